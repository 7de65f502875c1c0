package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxcpm.ops.Operations;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.ops.RecordsConfig;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} read over real HTTP before, during and after real SIP/MRCP/RTP calls: the values move
 * as the calls do. And the synthesis detail records match the SPEAKs made.
 */
class MetricsEndToEndTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private String scrape(Operations ops) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ops.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        return r.body();
    }

    /** The value of the series whose name and labels start with {@code series}; 0 when absent. */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\}|[^ ]*) ([0-9.eE+-]+)$").matcher(text);
        if (series.contains("{")) {
            m = Pattern.compile("(?m)^" + Pattern.quote(series) + "[^ ]* ([0-9.eE+-]+)$").matcher(text);
        }
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void metricsMoveWithRealCallsAndEachSpeakLeavesOneRecord() throws Exception {
        Path records = dir.resolve("records/synthesis.jsonl");
        ServerConfig cfg = Pbx.config(45000, ServerConfig.DEFAULTS.synth(), ServerConfig.DEFAULTS.mrcp().withPort(0))
                .withHttp(HttpConfig.DEFAULTS.withAddress("127.0.0.1").withPort(0))
                .withRecords(new RecordsConfig(records.toString(), true, null, null));
        ScriptedStandInEngine engine = new ScriptedStandInEngine();
        String callId;
        try (Operations ops = Operations.prepare(cfg)) {
            try (VoxcpmMrcpServer server = VoxcpmMrcpServer.listen(cfg, ops.observers(), VoiceCatalog.EMPTY,
                    () -> engine)) {
                ops.start(server);
                server.ready().get(10, TimeUnit.SECONDS);
                String before = scrape(ops);
                assertThat(before).contains("# TYPE voxcpm_mrcp_sessions_active gauge", "jvm_memory_used_bytes",
                        "jvm_gc_", "process_uptime_seconds", "voxcpm_mrcp_speaks_total{cause=\"normal\"} 0.0");
                double invitesBefore = value(before, "voxcpm_mrcp_sip_requests_total{method=\"INVITE\"}");
                double okBefore = value(before, "voxcpm_mrcp_sip_responses_total{class=\"2xx\",method=\"INVITE\"}");

                try (UniMrcpClientSim pbx = Pbx.call(server)) {
                    callId = pbx.callId();
                    String during = scrape(ops);
                    assertThat(value(during, "voxcpm_mrcp_sessions_active")).isEqualTo(1);
                    assertThat(value(during, "voxcpm_mrcp_rtp_ports_active")).isEqualTo(1);
                    assertThat(value(during, "voxcpm_mrcp_sip_requests_total{method=\"INVITE\"}"))
                            .isEqualTo(invitesBefore + 1);
                    assertThat(value(during, "voxcpm_mrcp_sip_responses_total{class=\"2xx\",method=\"INVITE\"}"))
                            .isEqualTo(okBefore + 1);

                    pbx.sendMrcp("SPEAK", 1, Map.of("Speech-Language", "en-US"), "text/plain",
                            "[[seconds=0.5]] Welcome to the metrics test");
                    assertThat(Pbx.next(pbx).startLine()).endsWith("1 200 IN-PROGRESS");
                    // what a drain waits for (counted just after the IN-PROGRESS is handed to the connection)
                    await().atMost(Duration.ofSeconds(2)).until(() -> server.activeSpeaks() == 1);
                    UniMrcpClientSim.MrcpMessage complete = Pbx.next(pbx);
                    assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
                    // a SPEAK the engine fails
                    pbx.sendMrcp("SPEAK", 2, Map.of(), "text/plain",
                            "[[seconds=1 fail-after=0.1 reason=ENGINE_FAILURE]] this one breaks");
                    assertThat(Pbx.next(pbx).startLine()).endsWith("2 200 IN-PROGRESS");
                    assertThat(Pbx.next(pbx).header("Completion-Cause")).startsWith("004");
                    // a SPEAK ended by STOP gets no SPEAK-COMPLETE, and still stops counting at once (a drain
                    // after it must not wait out its timeout)
                    int heard = pbx.rtpPackets().size();
                    pbx.sendMrcp("SPEAK", 3, Map.of(), "text/plain", "[[seconds=5]] a long one that is stopped");
                    assertThat(Pbx.next(pbx).startLine()).endsWith("3 200 IN-PROGRESS");
                    await().atMost(Duration.ofSeconds(5)).until(() -> pbx.rtpPackets().size() > heard);
                    assertThat(server.activeSpeaks()).isEqualTo(1);
                    pbx.sendMrcp("STOP", 4, Map.of(), null, null);
                    assertThat(Pbx.next(pbx).startLine()).contains(" 4 200 COMPLETE");
                    await().atMost(Duration.ofSeconds(2)).until(() -> server.activeSpeaks() == 0);
                    assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
                assertThat(server.activeSpeaks()).isZero();

                String after = scrape(ops);
                assertThat(value(after, "voxcpm_mrcp_sessions_active")).isZero();
                assertThat(value(after, "voxcpm_mrcp_sessions_total{outcome=\"accepted\"")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_sessions_ended_total{reason=\"bye\"}")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_speaks_total{cause=\"normal\"}")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_speaks_total{cause=\"error\"}")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_speaks_total{cause=\"stopped\"}")).as("the STOPped one").isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_speaks_total{cause=\"barged_in\"}")).isZero();
                assertThat(value(after, "voxcpm_mrcp_errors_total{kind=\"speak_failed\"}")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_errors_total{kind=\"synthesis_engine_failure\"}")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_speak_in_progress_seconds_count")).isEqualTo(3);
                // the failed SPEAK completes at once, maybe before its first packet left; the stopped one played
                double firstPackets = value(after, "voxcpm_mrcp_speak_first_packet_seconds_count");
                assertThat(firstPackets).isBetween(2.0, 3.0);
                assertThat(value(after, "voxcpm_mrcp_speak_first_packet_seconds_bucket{le=\"10.0\"}"))
                        .isEqualTo(firstPackets);
                // 0.5 s at 20 ms: 25 packets, and a few of the failed one's
                assertThat(value(after, "voxcpm_mrcp_rtp_packets_sent_total")).isGreaterThanOrEqualTo(25);
                assertThat(value(after, "voxcpm_mrcp_speak_audio_seconds_total")).isGreaterThanOrEqualTo(0.5);
                assertThat(value(after,
                        "voxcpm_mrcp_syntheses_total{cache=\"miss\",engine=\"scripted-stand-in\",outcome=\"completed\"}"))
                        .isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_synthesis_real_time_factor_count{engine=\"scripted-stand-in\"}"))
                        .isEqualTo(1);
                // the stopped SPEAK's synthesis had started too
                assertThat(value(after, "voxcpm_mrcp_synthesis_first_chunk_seconds_count")).isEqualTo(3);
                assertThat(value(after, "voxcpm_mrcp_engine_available{engine=\"scripted-stand-in\"}")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_synthesis_in_flight{engine=\"scripted-stand-in\"}")).isZero();
                assertThat(value(after, "voxcpm_mrcp_ready")).isEqualTo(1);
                assertThat(value(after, "voxcpm_mrcp_sip_requests_total{method=\"BYE\"}")).isGreaterThanOrEqualTo(1);
            }
            // the records: one line per SPEAK, as made, the stopped one too
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(records)
                    && Files.readAllLines(records).size() == 3);
            List<String> lines = Files.readAllLines(records);
            ObjectMapper json = new ObjectMapper();
            JsonNode first = json.readTree(lines.get(0));
            assertThat(first.get("call_id").asText()).isEqualTo(callId);
            assertThat(first.get("session").asText()).matches("[0-9a-f]{16}");
            assertThat(first.get("request_id").asLong()).isEqualTo(1);
            assertThat(first.get("voice").asText()).isEqualTo("default");
            assertThat(first.get("language").asText()).isEqualTo("en-US");
            assertThat(first.get("text").asText()).isEqualTo("[[seconds=0.5]] Welcome to the metrics test");
            assertThat(first.get("text_chars").asInt()).isEqualTo(first.get("text").asText().length());
            assertThat(first.get("cache_hit").asBoolean()).isFalse();
            assertThat(first.get("engine").asText()).isEqualTo("scripted-stand-in");
            assertThat(first.get("endpoint").asText()).as("an in-process engine names itself")
                    .isEqualTo("scripted-stand-in");
            assertThat(first.get("in_progress_ms").asDouble()).isPositive();
            assertThat(first.get("first_packet_ms").asDouble()).isGreaterThanOrEqualTo(first.get("in_progress_ms").asDouble());
            assertThat(first.get("audio_s").asDouble()).isEqualTo(0.5);
            assertThat(first.get("cause").asText()).isEqualTo("000 normal");
            JsonNode second = json.readTree(lines.get(1));
            assertThat(second.get("request_id").asLong()).isEqualTo(2);
            assertThat(second.get("cause").asText()).startsWith("004");
            JsonNode third = json.readTree(lines.get(2));
            assertThat(third.get("request_id").asLong()).isEqualTo(3);
            assertThat(third.get("cause").asText()).isEqualTo("stopped");
            assertThat(third.get("audio_s").asDouble()).as("what the caller heard before the STOP")
                    .isGreaterThan(0).isLessThan(5);
        }
    }
}
