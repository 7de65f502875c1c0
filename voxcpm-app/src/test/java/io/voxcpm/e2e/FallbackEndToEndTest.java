package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.bridge.WorkerPoolConfig;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.chain.EngineChain;
import io.voxcpm.chain.FallbackVoices;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.Availability;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.CacheConfig;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.text.SentenceSplitter;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.VoiceRegistry;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Never dead air: the server with a chain of a REAL Python model worker ({@code --model standin}, as in
 * {@link WorkerEndToEndTest}) and the embedded MaryTTS voice, each behind the prompt cache, played from the
 * PBX side while the worker is killed and restarted. Which engine spoke is read from the audio (the
 * stand-in's length is exact: 160 ms per 6 characters plus 3 chunks, MaryTTS's is not) and from the
 * chain's counters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FallbackEndToEndTest {

    private static final String CACHED = "Press one for sales.";
    /** Sentences not said before: none of them is in the cache, so each goes to the worker. */
    private static final String LONG_TEXT = String.join(" ", java.util.stream.IntStream.rangeClosed(1, 8)
            .mapToObj(n -> "This is sentence " + n + " of the long prompt.").toList());
    private static final double CHUNK_SECONDS = 0.16;
    private static final double WORKER_CHUNK_DELAY = 0.05;

    @TempDir
    static Path data;
    private static final StandInWorkers workers = new StandInWorkers();
    private static String worker;
    private static EngineChain chain;
    private static VoxcpmMrcpServer server;
    private static short[] cachedAudio;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(StandInWorkers.runnable(), StandInWorkers.MISSING);
        VoiceRegistry.open(data.resolve("voices")).add("acme-brand", new NewVoice.Clone(
                Recording.fromWav(ModesEndToEndTest.toneWav(16000, 2.0), "test"), "Welcome to Acme.", null,
                "Jane Doe, signed release", null, "test"));
        worker = workers.start(WORKER_CHUNK_DELAY);
        // health checks every 200 ms and short breaker backoffs, so that the pool notices a death and a
        // return within a second or two (production defaults: 2 s checks, backoff 1 s doubling to 30 s)
        WorkerPoolConfig pool = WorkerPoolConfig.fromProperties(Map.of(
                WorkerPoolConfig.ENDPOINTS, worker,
                WorkerPoolConfig.HEALTH_INTERVAL, "200ms",
                WorkerPoolConfig.RPC_DEADLINE, "1s",
                WorkerPoolConfig.BREAKER_INITIAL_BACKOFF, "200ms",
                WorkerPoolConfig.BREAKER_MAX_BACKOFF, "500ms"));
        PromptCache cache = PromptCache.open(data.resolve("cache"), 64 << 20);
        chain = new EngineChain(List.of(
                new CachingEngine(WorkerEngine.start(pool, VoiceSource.NONE), cache, "voxcpm2"),
                new CachingEngine(new EmbeddedEngine(1), cache, "marytts")), FallbackVoices.DEFAULT_ONLY);
        server = VoxcpmMrcpServer.start(config(38000, data), chain);
        awaitWorkerInUse();
    }

    /**
     * The worker listens before its model is loaded (health NOT_SERVING meanwhile, which sends SPEAKs to the
     * fallback, as it should): wait until it serves and the pool has seen it do so.
     */
    private static void awaitWorkerInUse() throws Exception {
        HostAndPort hp = HostAndPort.fromString(worker);
        ManagedChannel channel = NettyChannelBuilder.forAddress(hp.getHost(), hp.getPort()).usePlaintext().build();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(1, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus() == HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            channel.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> chain.availability().state() == Availability.State.READY);
    }

    private static ServerConfig config(int rtpBase, Path dir) {
        return Pbx.config(rtpBase, new SynthConfig(100, 50, false, 4), new MrcpConfig(0, 600, 3000))
                .withVoices(new VoicesConfig(dir.resolve("voices").toString()))
                .withCache(new CacheConfig(true, dir.resolve("cache").toString(), 64));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        workers.close();
    }

    @Test
    @Order(1)
    void theWorkerSpeaksWhileItIsUpAndGetParamsSaysSo() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            cachedAudio = speakNormally(pbx, 1, CACHED);
            assertThat(cachedAudio.length / 8000.0).as("the stand-in's length").isCloseTo(standInSeconds(CACHED),
                    within(0.05));
            assertThat(engineStatus(pbx, 2)).endsWith("engine=voxcpm2;engine-status=ok");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        assertThat(chain.stats().servedBy(0)).isEqualTo(1);
        assertThat(chain.stats().fallbackUtterances()).isZero();
    }

    @Test
    @Order(2)
    void withEveryWorkerKilledTheNextSpeakIsSpokenByTheFallback() throws Exception {
        workers.kill(worker);
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            String text = "Thank you for calling.";
            short[] pcm = speakNormally(pbx, 1, text);
            assertThat(pcm.length / 8000.0).as("MaryTTS, not the stand-in")
                    .isNotCloseTo(standInSeconds(text), within(0.05));
            assertThat(chain.stats().fallbackUtterances()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> chain.availability().state() == Availability.State.FALLBACK);
            assertThat(engineStatus(pbx, 2)).contains("engine=embedded-marytts;engine-status=fallback;"
                    + "engine-reason=\"voxcpm2 unavailable: no healthy worker (1 endpoints:");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    @Order(3)
    void aCachedPromptStillPlaysInItsOwnVoice() throws Exception {
        long fallbacks = chain.stats().fallbackUtterances();
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            short[] pcm = speakNormally(pbx, 1, CACHED);
            assertThat(pcm).as("the worker's rendering, from the cache").isEqualTo(cachedAudio);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        assertThat(chain.stats().servedBy(0)).isEqualTo(2);
        assertThat(chain.stats().fallbackUtterances()).isEqualTo(fallbacks);
    }

    @Test
    @Order(4)
    void aClonedVoiceIsNotSpokenInTheFallbackVoiceUnderDefaultOnly() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            assertThat(Pbx.speak(pbx, 1, Map.of("Voice-Name", "acme-brand"), "text/plain", "Welcome to Acme.")
                    .startLine()).endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = Pbx.next(pbx);
            assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(complete.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(complete.header("Completion-Reason")).startsWith("not spoken: voice 'acme-brand' "
                    + "(ultimate_clone) needs voxcpm2 and fallback-voices is default-only; voxcpm2 unavailable:");
            assertThat(pbx.rtpPackets()).as("not a word in another voice").isEmpty();
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        assertThat(chain.stats().refusals()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void aRestartedWorkerTakesTheNextSpeaksWithoutAServerRestart() throws Exception {
        workers.restart(worker, WORKER_CHUNK_DELAY);
        awaitWorkerInUse();
        long fallbacks = chain.stats().fallbackUtterances();
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            String text = "Our offices are open from nine to five.";
            short[] pcm = speakNormally(pbx, 1, text);
            assertThat(pcm.length / 8000.0).isCloseTo(standInSeconds(text), within(0.05));
            assertThat(engineStatus(pbx, 2)).endsWith("engine=voxcpm2;engine-status=ok");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        assertThat(chain.stats().servedBy(0)).isEqualTo(3);
        assertThat(chain.stats().fallbackUtterances()).isEqualTo(fallbacks);
    }

    @Test
    @Order(6)
    void aSpeakNeverChangesEngineOnceItsAudioHasGoneOut() throws Exception {
        long fallbacks = chain.stats().fallbackUtterances();
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            assertThat(Pbx.speak(pbx, 1, LONG_TEXT).startLine()).endsWith(" 1 200 IN-PROGRESS");
            await().atMost(Duration.ofSeconds(10)).until(() -> pbx.rtpPackets().size() >= 25);
            workers.kill(worker); // mid-SPEAK: within one sentence or between two
            UniMrcpClientSim.MrcpMessage ended = Pbx.next(pbx);
            assertThat(ended.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(ended.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(pbx.rtpPackets().size() * 0.02).isLessThan(standInSeconds(LONG_TEXT));
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        assertThat(chain.stats().fallbackUtterances()).as("no fallback mid-SPEAK").isEqualTo(fallbacks);
    }

    /** The "done when", through the server's own wiring: {@code --engine worker --fallback embedded}. */
    @Test
    @Order(7)
    void configuredWithNoWorkerReachableTheServerStillSpeaks(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ServerConfig config = config(39000, dir).withEngine(new EngineConfig("worker", 1,
                List.of("127.0.0.1:" + closedPort), null, null).withFallback(List.of("embedded"), "any"));
        try (VoxcpmMrcpServer configured = VoxcpmMrcpServer.start(config.validated());
             UniMrcpClientSim pbx = Pbx.call(configured)) {
            short[] pcm = speakNormally(pbx, 1, "Your call is important to us.");
            assertThat(pcm.length / 8000.0).isGreaterThan(1.0);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    /** SPEAK, 200 IN-PROGRESS, SPEAK-COMPLETE 000 with speech-level audio; the audio decoded. */
    private static short[] speakNormally(UniMrcpClientSim pbx, long id, String text) throws Exception {
        int before = pbx.rtpPackets().size();
        assertThat(Pbx.speak(pbx, id, text).startLine()).endsWith(" " + id + " 200 IN-PROGRESS");
        UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
        assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE " + id + " COMPLETE");
        assertThat(complete.header("Completion-Cause")).as(complete.header("Completion-Reason"))
                .isEqualTo("000 normal");
        List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
        short[] pcm = ReceivedAudio.decode(packets.subList(before, packets.size()), "PCMU");
        assertThat(ReceivedAudio.rmsDbfs(pcm)).as("speech energy").isGreaterThan(-35.0);
        return pcm;
    }

    private static String engineStatus(UniMrcpClientSim pbx, long id) throws Exception {
        return Pbx.send(pbx, "GET-PARAMS", id, Pbx.headers("Vendor-Specific-Parameters", ""))
                .header("Vendor-Specific-Parameters");
    }

    private static double standInSeconds(String text) {
        return new SentenceSplitter().split(text).stream().mapToInt(s -> 3 + s.length() / 6).sum() * CHUNK_SECONDS;
    }
}
