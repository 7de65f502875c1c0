package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxcpm.admin.AdminApi;
import io.voxcpm.admin.AdminConfig;
import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ops.Operations;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.request.Segment;
import io.voxcpm.server.PromptsConfig;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.ssml.Prosody;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceAuditLog;
import io.voxcpm.voice.VoiceRegistry;
import io.voxcpm.voice.WavFile;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/v1} over real HTTP on the management port of a real server: the bearer token (none, wrong,
 * right), voices designed by JSON and cloned by multipart upload with consent, the upload limit, removal reaching
 * the registry, the prompt cache on disk and the frame tier, the audit log, pre-warm with progress, and sessions.
 */
class AdminApiEndToEndTest {

    private static final String TOKEN = "s3cret-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private VoxcpmMrcpServer server;
    private Operations ops;
    private AdminApi admin;
    private VoiceRegistry registry;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("voices"));
        registry = VoiceRegistry.open(dir.resolve("voices"));
        SpeechEngine engine = new CachingEngine(new ScriptedStandInEngine(),
                PromptCache.open(dir.resolve("cache"), 64 << 20), "m1",
                name -> registry.find(name).map(Voice::identity).orElse(""), 1);
        ServerConfig cfg = Pbx.config(45000, SynthConfig.DEFAULTS, ServerConfig.DEFAULTS.mrcp().withPort(0))
                .withVoices(new VoicesConfig(dir.resolve("voices").toString()))
                .withPrompts(new PromptsConfig(dir.resolve("prompts").toString(), null, null))
                .withHttp(HttpConfig.DEFAULTS.withAddress("127.0.0.1").withPort(0))
                .withAdmin(new AdminConfig(null, null, 1, 100));
        server = VoxcpmMrcpServer.start(cfg, engine);
        ops = Operations.start(cfg, server);
        Path tokenFile = dir.resolve("admin-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        admin = AdminApi.configure(cfg.withAdmin(new AdminConfig(null, tokenFile.toString(), 1, 100)), Map.of())
                .orElseThrow();
        admin.register(ops.routes(), server);
    }

    @AfterEach
    void stop() {
        admin.close();
        ops.close();
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String token, String type, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.httpPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return send(method, path, TOKEN, null, null);
    }

    private HttpResponse<String> json(String method, String path, String body) throws Exception {
        return send(method, path, TOKEN, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void withoutTheRightTokenNothingIsAnsweredButA401() throws Exception {
        HttpResponse<String> none = send("GET", "/admin/v1/voices", null, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"voxcpm-mrcp admin\"");
        assertThat(body(none).get("error").asText()).isEqualTo("unauthorized");

        assertThat(send("GET", "/admin/v1/voices", "wrong-token-wrong-token", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/v1/voices", TOKEN + "x", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/admin/v1/voices", TOKEN.substring(1), null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> basic = send("DELETE", "/admin/v1/cache", null, null, null);
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(send("POST", "/admin/v1/voices/warm", "nope-nope-nope-nope", "application/json",
                "{\"description\":\"x\"}".getBytes()).statusCode()).isEqualTo(401);
        assertThat(registry.list()).as("a refused request changed nothing").isEmpty();

        HttpResponse<String> right = call("GET", "/admin/v1/voices");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("{\"voices\":[]}");
    }

    @Test
    void voicesAreDesignedClonedShownAndRefusedWithClearErrors() throws Exception {
        HttpResponse<String> designed = json("POST", "/admin/v1/voices/warm-male?x=1",
                "{\"description\": \"A warm, mature male voice\", \"by\": \"ops@acme\", \"cfg\": 2.0, \"language\": \"en-US\"}");
        assertThat(designed.statusCode()).as(designed.body()).isEqualTo(201);
        assertThat(designed.headers().firstValue("Location")).contains("/admin/v1/voices/warm-male");
        assertThat(body(designed).get("kind").asText()).isEqualTo("design");
        assertThat(body(designed).at("/defaults/cfg_value").asText()).isEqualTo("2.0");

        HttpResponse<String> cloned = send("POST", "/admin/v1/voices/jane", TOKEN, "multipart/form-data; boundary=XyZ",
                multipart("XyZ", Map.of("consent", "Jane Doe, signed release 2026-11-01", "style", "cheerful",
                        "by", "dpo@acme"), speechLikeWav(3.0)));
        assertThat(cloned.statusCode()).as(cloned.body()).isEqualTo(201);
        assertThat(body(cloned).get("kind").asText()).isEqualTo("clone");
        assertThat(body(cloned).get("style").asText()).isEqualTo("cheerful");
        assertThat(registry.find("jane")).isPresent();

        HttpResponse<String> noConsent = send("POST", "/admin/v1/voices/bob", TOKEN, "multipart/form-data; boundary=XyZ",
                multipart("XyZ", Map.of("style", "calm"), speechLikeWav(3.0)));
        assertThat(noConsent.statusCode()).isEqualTo(400);
        assertThat(body(noConsent).get("error").asText()).isEqualTo("missing_field");
        assertThat(body(noConsent).get("message").asText()).contains("'consent' is required");

        HttpResponse<String> tooShort = send("POST", "/admin/v1/voices/bob", TOKEN, "multipart/form-data; boundary=XyZ",
                multipart("XyZ", Map.of("consent", "Bob"), speechLikeWav(0.3)));
        assertThat(tooShort.statusCode()).isEqualTo(422);
        assertThat(body(tooShort).get("error").asText()).isEqualTo("invalid_recording");

        HttpResponse<String> tooBig = send("POST", "/admin/v1/voices/bob", TOKEN, "multipart/form-data; boundary=XyZ",
                multipart("XyZ", Map.of("consent", "Bob"), new byte[1_200_000]));
        assertThat(tooBig.statusCode()).as("admin.max-upload-mb is 1").isEqualTo(413);
        assertThat(registry.find("bob")).isEmpty();

        assertThat(json("POST", "/admin/v1/voices/Not%20A%20Name", "{\"description\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/admin/v1/voices/x", TOKEN, "audio/wav", new byte[10]).statusCode()).isEqualTo(415);
        assertThat(json("POST", "/admin/v1/voices/x", "{not json").statusCode()).isEqualTo(400);

        JsonNode list = body(call("GET", "/admin/v1/voices"));
        assertThat(list.get("voices")).extracting(v -> v.get("name").asText()).containsExactly("jane", "warm-male");
        JsonNode shown = body(call("GET", "/admin/v1/voices/jane"));
        assertThat(shown.get("current").asInt()).isEqualTo(1);
        assertThat(shown.at("/versions/0/consent").asText()).isEqualTo("Jane Doe, signed release 2026-11-01");
        assertThat(call("GET", "/admin/v1/voices/nobody").statusCode()).isEqualTo(404);

        assertThat(registry.auditLog().read()).extracting(e -> e.action() + " " + e.voice() + " " + e.by() + " " + e.via())
                .containsExactly("add warm-male ops@acme admin-api from 127.0.0.1", "add jane dpo@acme admin-api from 127.0.0.1");
    }

    @Test
    void removalReachesTheRegistryAndPurgesTheCacheOnDiskAndInMemory() throws Exception {
        // a cloned voice owns its audio; an unanchored designed one is keyed by its description (shared with any
        // SPEAK describing the same voice) and keeps its entries
        assertThat(send("POST", "/admin/v1/voices/jane", TOKEN, "multipart/form-data; boundary=b",
                multipart("b", Map.of("consent", "Jane Doe, signed release"), speechLikeWav(2.0))).statusCode()).isEqualTo(201);
        assertThat(json("POST", "/admin/v1/voices/bob", "{\"description\": \"A calm voice\"}").statusCode()).isEqualTo(201);
        // cached audio of both voices, through the server's own engine (pre-warm, as an operator would)
        HttpResponse<String> job = send("POST", "/admin/v1/cache/prewarm?voice=jane", TOKEN, "text/plain",
                "# greeting\nWelcome to Acme.\nPlease hold.\n".getBytes());
        assertThat(job.statusCode()).as(job.body()).isEqualTo(202);
        String status = body(job).get("status_url").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> body(call("GET", status)).get("state").asText().equals("done"));
        JsonNode done = body(call("GET", status));
        assertThat(done.get("total").asInt()).isEqualTo(2);
        assertThat(done.get("done").asInt()).isEqualTo(2);
        assertThat(done.get("failed").asInt()).isZero();
        HttpResponse<String> bobJob = json("POST", "/admin/v1/cache/prewarm",
                "{\"prompts\": [{\"text\": \"Hello.\", \"voice\": \"bob\"}]}");
        String bobStatus = body(bobJob).get("status_url").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> body(call("GET", bobStatus)).get("state").asText().equals("done"));
        PromptCache cache = server.stores().promptCache().orElseThrow();
        await().until(() -> cache.stats().stores() == 3);
        assertThat(pcmFiles(dir.resolve("cache/voices/jane"))).isEqualTo(2);
        FrameTier frames = server.stores().frameTier().orElseThrow();
        CachingEngine caching = (CachingEngine) server.engine().orElseThrow();
        String janeFrames = FrameTier.keyFor(List.of(new Segment.Speech(new SynthesisRequest("Welcome to Acme.",
                null, new VoiceSpec("jane", null, null, null), null, null), new Prosody(1.0, 0, null))), caching,
                TelephonyFormat.PCMU_8K, 20);
        frames.put(janeFrames, EncodedFrames.of(TelephonyFormat.PCMU_8K, 20, List.of(new byte[160])));

        JsonNode stats = body(call("GET", "/admin/v1/cache"));
        assertThat(stats.at("/disk/entries").asLong()).isEqualTo(3);

        HttpResponse<String> removed = call("DELETE", "/admin/v1/voices/jane?by=dpo@acme");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(body(removed).get("cache_entries_purged").asLong()).isEqualTo(2);
        assertThat(body(removed).get("frame_entries_purged").asInt()).isEqualTo(1);
        assertThat(registry.find("jane")).isEmpty();
        assertThat(pcmFiles(dir.resolve("cache/voices/jane"))).isZero();
        assertThat(frames.get(janeFrames)).isNull();
        assertThat(cache.stats().entries()).isEqualTo(1);
        assertThat(call("DELETE", "/admin/v1/voices/jane").statusCode()).isEqualTo(404);

        HttpResponse<String> purgedAll = call("DELETE", "/admin/v1/cache");
        assertThat(body(purgedAll).get("cache_entries_purged").asLong()).isEqualTo(1);
        assertThat(cache.stats().entries()).isZero();

        List<VoiceAuditLog.Entry> audit = registry.auditLog().read();
        assertThat(audit).extracting(VoiceAuditLog.Entry::action)
                .containsExactly("add", "add", "cache-prewarm", "cache-prewarm", "remove", "cache-purge");
        assertThat(audit.get(4).by()).isEqualTo("dpo@acme");
        assertThat(audit.get(4).via()).isEqualTo("admin-api from 127.0.0.1");
    }

    @Test
    void sessionsAreListedAndOneCanBeEnded() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            JsonNode sessions = body(call("GET", "/admin/v1/sessions")).get("sessions");
            assertThat(sessions).hasSize(1);
            String id = sessions.get(0).get("session_id").asText();
            assertThat(call("DELETE", "/admin/v1/sessions/nosuchsession").statusCode()).isEqualTo(404);
            assertThat(call("DELETE", "/admin/v1/sessions/" + id).statusCode()).isEqualTo(200);
            assertThat(server.sessionCount()).isZero();
            assertThat(body(call("GET", "/admin/v1/sessions")).get("sessions")).isEmpty();
            assertThat(registry.auditLog().read()).extracting(VoiceAuditLog.Entry::action).containsExactly("session-terminate");
        }
    }

    @Test
    void recordedPromptsAreAddedListedReplacedAndRemoved() throws Exception {
        byte[] wav = speechLikeWav(1.0);
        assertThat(send("PUT", "/admin/v1/prompts/welcome-chime", null, "audio/wav", wav).statusCode())
                .as("no token, no upload").isEqualTo(401);
        HttpResponse<String> added = send("PUT", "/admin/v1/prompts/welcome-chime", TOKEN, "audio/wav", wav);
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(body(added).get("seconds").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(Files.exists(dir.resolve("prompts"))).as("written where the server reads prompts").isTrue();
        assertThat(send("PUT", "/admin/v1/prompts/welcome-chime", TOKEN, "audio/wav", wav).statusCode())
                .as("an existing name is not overwritten by accident").isEqualTo(409);
        assertThat(send("PUT", "/admin/v1/prompts/welcome-chime?replace=true", TOKEN, "audio/wav",
                speechLikeWav(2.0)).statusCode()).isEqualTo(200);
        assertThat(body(call("GET", "/admin/v1/prompts/welcome-chime")).get("seconds").asDouble())
                .isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
        HttpResponse<String> notWav = send("PUT", "/admin/v1/prompts/other", TOKEN, "audio/wav",
                "not a wav file".getBytes(StandardCharsets.UTF_8));
        assertThat(notWav.statusCode()).isEqualTo(400);
        assertThat(body(notWav).get("error").asText()).isEqualTo("invalid_prompt");
        assertThat(body(call("GET", "/admin/v1/prompts")).get("prompts")).hasSize(1);
        assertThat(call("DELETE", "/admin/v1/prompts/welcome-chime").statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/admin/v1/prompts/welcome-chime").statusCode()).isEqualTo(404);
        assertThat(body(call("GET", "/admin/v1/prompts")).get("prompts")).isEmpty();
    }

    @Test
    void withoutATokenTheApiIsOff() throws Exception {
        ServerConfig off = ServerConfig.DEFAULTS;
        assertThat(AdminApi.configure(off, Map.of())).isEmpty();
        assertThat(AdminApi.configure(off, Map.of(AdminConfig.TOKEN_ENV, TOKEN))).isPresent();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminApi.configure(off, Map.of(AdminConfig.TOKEN_ENV, "short")))
                .hasMessageContaining("at least 16");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminApi.configure(
                off.withAdmin(new AdminConfig(null, dir.resolve("missing").toString(), null, null)), Map.of()))
                .hasMessage("admin.token-file: " + dir.resolve("missing") + " does not exist");
        try (Operations plain = Operations.start(server.config(), server)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.httpPort()
                    + "/admin/v1/voices")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }

    private static long pcmFiles(Path p) throws Exception {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(f -> f.toString().endsWith(".pcm")).count();
        }
    }

    private static byte[] multipart(String boundary, Map<String, String> fields, byte[] recording) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((k, v) -> out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"recording\"; filename=\"jane.wav\""
                + "\r\nContent-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(recording);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] speechLikeWav(double seconds) {
        int rate = 16000;
        short[] pcm = new short[(int) (rate * seconds)];
        Random random = new Random(7);
        for (int i = 0; i < pcm.length; i++) {
            double t = i / (double) rate;
            double v = 0.3 * Math.sin(2 * Math.PI * 180 * t) + 0.1 * Math.sin(2 * Math.PI * 720 * t)
                    + 0.02 * random.nextGaussian();
            pcm[i] = (short) Math.round(v * 32767 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)));
        }
        return WavFile.pcm16(pcm, rate);
    }
}
