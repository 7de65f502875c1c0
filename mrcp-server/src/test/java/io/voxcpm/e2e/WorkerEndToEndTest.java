package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.voxcpm.audio.G711;
import io.voxcpm.bridge.EndpointStatus;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.server.Engines;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.text.SentenceSplitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server with {@code engine.kind: worker} in front of two REAL Python model workers
 * ({@code python3 -m voxcpm_worker --model standin}, processes on loopback), played from the PBX side
 * like {@link SpeakEndToEndTest}: what a caller hears must not depend on the engine, and a worker that
 * dies mid-SPEAK ends that SPEAK with 004 while the next one goes to the other worker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerEndToEndTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path WORKER_DIR = Path.of("..", "npu-bridge", "worker").toAbsolutePath().normalize();
    private static final String TEXT = "Welcome to the speech server. Press one for sales.";
    private static final String LONG_TEXT = (TEXT + " ").repeat(4).trim();
    /** The stand-in's chunk: one 160 ms patch; it produces 3 + len/6 of them. */
    private static final double CHUNK_SECONDS = 0.16;
    private static final int PLAYOUT_MARGIN_MS = 200;

    private static final Map<String, Process> workers = new HashMap<>();
    private static VoxcpmMrcpServer server;
    private static WorkerEngine engine;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(pythonWorkerRunnable(), "SKIPPED: " + PYTHON + " lacks grpcio, grpcio-tools or numpy "
                + "(Debian: apt-get install python3-grpcio python3-grpc-tools python3-numpy)");
        // RTF 0.3, as on an NPU: generation stays ahead of playback, so the server holds queued audio.
        for (int i = 0; i < 2; i++) {
            startWorker("--standin-chunk-delay", "0.05");
        }
        ServerConfig config = ServerConfig.DEFAULTS
                .withSip(new ServerConfig.Sip("127.0.0.1", 0, null, 100))
                .withMrcp(new ServerConfig.Mrcp(0, 600, 3000))
                .withRtp(new ServerConfig.Rtp(32000, 32998, 20))
                .withSynth(new ServerConfig.Synth(PLAYOUT_MARGIN_MS, 50, false, 4))
                .withEngine(new ServerConfig.Engine("worker", null, List.copyOf(workers.keySet()), null, null));
        engine = (WorkerEngine) Engines.create(config.engine());
        server = VoxcpmMrcpServer.start(config, engine);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        workers.values().forEach(Process::destroyForcibly);
    }

    @Test
    @Order(1)
    void speaksThroughTheWorkersAsWithTheEmbeddedEngine() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0 8",
                    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"))).startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            pbx.sendMrcp("SPEAK", 1, Map.of("Voice-Name", "default", "Speech-Language", "en-US"), "text/plain", TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).matches("MRCP/2\\.0 \\d+ 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
            long completeArrival = System.nanoTime();
            assertThat(complete.startLine()).matches("MRCP/2\\.0 \\d+ SPEAK-COMPLETE 1 COMPLETE");
            assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(complete.header("Channel-Identifier")).isEqualTo(pbx.channelId());

            List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
            assertRtpStream(packets, 0, 160);
            long lastArrival = packets.get(packets.size() - 1).arrivalNanos();
            assertThat(TimeUnit.NANOSECONDS.toMillis(completeArrival - lastArrival))
                    .isGreaterThanOrEqualTo(PLAYOUT_MARGIN_MS - 30);
            short[] pcm = decodeUlaw(packets);
            assertThat(pcm.length / 8000.0).as("received audio vs what the stand-in generates")
                    .isCloseTo(standInSeconds(TEXT), within(0.1));
            assertThat(rmsDbfs(pcm)).as("speech energy").isGreaterThan(-35.0);

            int before = packets.size();
            pbx.sendMrcp("SPEAK", 2, Map.of(), "application/ssml+xml",
                    "<?xml version=\"1.0\"?><speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\""
                            + " xml:lang=\"en-US\">Thank you. Goodbye.</speak>");
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            assertThat(pbx.readMrcp(Duration.ofSeconds(30)).header("Completion-Cause")).isEqualTo("000 normal");
            List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
            UniMrcpClientSim.RtpPacket first = all.get(before);
            UniMrcpClientSim.RtpPacket last = all.get(before - 1);
            assertThat(first.marker()).as("marker on the first packet of every SPEAK").isTrue();
            assertThat(first.ssrc()).isEqualTo(all.get(0).ssrc());
            assertThat(first.sequence()).isEqualTo((last.sequence() + 1) & 0xFFFF);
            long elapsed = TimeUnit.NANOSECONDS.toMicros(first.arrivalNanos() - last.arrivalNanos()) * 8 / 1000;
            assertThat((double) ((first.timestamp() - last.timestamp()) & 0xFFFFFFFFL))
                    .as("timestamps follow the clock between SPEAKs").isCloseTo(elapsed, within(800.0));
            assertThat(rmsDbfs(decodeUlaw(all.subList(before, all.size())))).isGreaterThan(-35.0);
            assertThat(engine.endpoints()).allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero());
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
    }

    @Test
    @Order(2)
    void workerKilledMidSpeakEndsItWith004AndTheNextSpeakGoesToTheOtherWorker() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", "a=rtpmap:0 PCMU/8000\r\n")))
                    .startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            pbx.sendMrcp("SPEAK", 1, Map.of(), "text/plain", LONG_TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 1 200 IN-PROGRESS");
            await().atMost(Duration.ofSeconds(10)).until(() -> pbx.rtpPackets().size() >= 25);
            EndpointStatus serving = engine.endpoints().stream().filter(s -> s.inFlight() == 1).findFirst()
                    .orElseThrow(() -> new AssertionError("no worker is generating: " + engine.endpoints()));
            String other = engine.endpoints().stream().map(EndpointStatus::address)
                    .filter(a -> !a.equals(serving.address())).findFirst().orElseThrow();
            long otherDispatched = dispatched(other);

            int packetsAtKill = pbx.rtpPackets().size();
            long killedAt = System.nanoTime();
            workers.get(serving.address()).destroyForcibly(); // SIGKILL
            UniMrcpClientSim.MrcpMessage ended = pbx.readMrcp(Duration.ofSeconds(10));
            double latencyMs = (System.nanoTime() - killedAt) / 1e6;
            int packetsAtEnd = pbx.rtpPackets().size();
            System.out.printf("worker kill -9 -> SPEAK-COMPLETE (%s): %.0f ms; %d RTP packets played after the kill"
                    + " (%d in all, of %.1f s)%n", ended.header("Completion-Cause"), latencyMs,
                    packetsAtEnd - packetsAtKill, packetsAtEnd, standInSeconds(LONG_TEXT));
            assertThat(ended.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(ended.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(latencyMs).as("the issue: a dead worker ends its SPEAK within a second").isLessThan(1000);
            assertThat(packetsAtEnd * 0.02).isLessThan(standInSeconds(LONG_TEXT));

            pbx.sendMrcp("SPEAK", 2, Map.of(), "text/plain", TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage next = pbx.readMrcp(Duration.ofSeconds(30));
            assertThat(next.startLine()).endsWith("SPEAK-COMPLETE 2 COMPLETE");
            assertThat(next.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(dispatched(other)).as("served by the surviving worker, a request per sentence")
                    .isEqualTo(otherDispatched + new SentenceSplitter().split(TEXT).size());
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    private static long dispatched(String address) {
        return engine.endpoints().stream().filter(s -> s.address().equals(address)).findFirst().orElseThrow()
                .dispatched();
    }

    /**
     * What the stand-in generates for a text: the server sends it a sentence at a time, and for each it makes
     * 3 chunks plus one per 6 characters, 160 ms each.
     */
    private static double standInSeconds(String text) {
        return new SentenceSplitter().split(text).stream().mapToInt(s -> 3 + s.length() / 6).sum() * CHUNK_SECONDS;
    }

    private static boolean pythonWorkerRunnable() throws InterruptedException {
        if (!Files.isExecutable(PYTHON) || !Files.isDirectory(WORKER_DIR)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc, grpc_tools, numpy")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void startWorker(String... extra) throws IOException, InterruptedException {
        Path portFile = Files.createTempDirectory("voxcpm-worker").resolve("port");
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), "-m", "voxcpm_worker",
                "--model", "standin", "--device", "cpu", "--listen", "127.0.0.1:0", "--port-file", portFile.toString()));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORKER_DIR.toFile()).redirectErrorStream(true);
        builder.environment().put("VOXCPM_WORKER_BUILD_DIR", Path.of("target", "worker-proto").toAbsolutePath().toString());
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the worker died; its exit shows in the test
            }
        }, "python-worker-log");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                synchronized (output) {
                    throw new IOException("worker did not start:\n" + output);
                }
            }
            Thread.sleep(20);
        }
        workers.put("127.0.0.1:" + Files.readString(portFile).trim(), process);
    }

    private static void assertRtpStream(List<UniMrcpClientSim.RtpPacket> packets, int pt, int samplesPerFrame) {
        assertThat(packets).hasSizeGreaterThan(50);
        UniMrcpClientSim.RtpPacket first = packets.get(0);
        assertThat(first.marker()).as("marker bit on the first packet").isTrue();
        for (int i = 1; i < packets.size(); i++) {
            UniMrcpClientSim.RtpPacket p = packets.get(i);
            UniMrcpClientSim.RtpPacket prev = packets.get(i - 1);
            assertThat(p.payloadType()).isEqualTo(pt);
            assertThat(p.ssrc()).isEqualTo(first.ssrc());
            assertThat(p.sequence()).as("contiguous sequence").isEqualTo((prev.sequence() + 1) & 0xFFFF);
            assertThat(p.marker()).as("marker only on the first packet").isFalse();
            assertThat(p.payload()).hasSize(samplesPerFrame);
        }
        long totalTs = (packets.get(packets.size() - 1).timestamp() - first.timestamp()) & 0xFFFFFFFFL;
        double meanSpacing = (packets.get(packets.size() - 1).arrivalNanos() - first.arrivalNanos()) / 1e6
                / (packets.size() - 1);
        System.out.printf("RTP from the worker engine: %d packets, mean spacing %.2f ms%n", packets.size(), meanSpacing);
        assertThat(meanSpacing).as("paced in real time").isBetween(17.0, 23.0);
        assertThat(totalTs).isEqualTo((long) (packets.size() - 1) * samplesPerFrame);
    }

    private static short[] decodeUlaw(List<UniMrcpClientSim.RtpPacket> packets) {
        int total = packets.stream().mapToInt(p -> p.payload().length).sum();
        short[] pcm = new short[total];
        int n = 0;
        for (UniMrcpClientSim.RtpPacket p : packets) {
            for (byte x : p.payload()) {
                pcm[n++] = G711.ulawToLinear(x);
            }
        }
        return pcm;
    }

    private static double rmsDbfs(short[] pcm) {
        double sum = 0;
        for (short s : pcm) {
            sum += (double) s * s;
        }
        return 20 * Math.log10(Math.sqrt(sum / Math.max(1, pcm.length)) / 32768.0);
    }

    private static InetSocketAddress sipAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.sipPort());
    }
}
