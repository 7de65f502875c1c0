package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.voxcpm.server.LimitsConfig;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.ServerUsage;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Thousands of sessions opened and torn down every way a PBX does it (clean BYE, TCP reset then BYE,
 * TCP reset and no BYE, orderly close and no BYE, never connected) against the real server with a fast
 * stand-in engine. Afterwards nothing may remain: sessions, channels, connections, dialogs, RTP ports,
 * timers, engine runs, or buffers (Netty's detector runs at PARANOID in tests).
 */
class SessionLeakTest {

    private static final int SESSIONS = 2000;
    private static final int CLIENTS = 8;
    private static final String[] MODES = {"bye", "reset+bye", "reset", "close", "never-connected"};

    @Test
    void everyWayOfEndingASessionReleasesEverything() throws Exception {
        ScriptedStandInEngine engine = new ScriptedStandInEngine();
        ServerConfig config = Pbx.config(36000, new SynthConfig(10, 1000, false, 4, 20_000, 1, 1000),
                new MrcpConfig(0, 600, 20))
                // 2000 sessions from one address as fast as 8 clients go: the per-source INVITE rate limit
                // would (rightly) answer some of them 503
                .withLimits(new LimitsConfig(null, null, null, 0.0, null, null, null, null, null, null, null, null));
        AtomicIntegerArray done = new AtomicIntegerArray(MODES.length);
        int exceptionMark = LeakReports.exceptionMark();
        long started = System.nanoTime();
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.start(config, engine)) {
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                work.add(clients.submit(() -> {
                    for (int i = client; i < SESSIONS; i += CLIENTS) {
                        int mode = i % 50 == 0 ? 4 : i % 4;
                        runSession(server, mode);
                        done.incrementAndGet(mode);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            clients.shutdown();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(server.usage())
                    .isEqualTo(new ServerUsage(0, 0, 0, 0, 0, 0)));
            assertThat(engine.running()).as("syntheses still running").isZero();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("leak test: %d sessions (%s) in %.1f s%n", SESSIONS, counts(done), seconds);
        provokeLeakDetection();
        assertThat(LeakReports.reports()).as("Netty LEAK reports").isEmpty();
        assertThat(LeakReports.unexpectedExceptionsSince(exceptionMark)).as("unexpected exceptions").isEmpty();
    }

    private static void runSession(VoxcpmMrcpServer server, int mode) throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            String response = pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU));
            assertThat(response).startsWith("SIP/2.0 200");
            if (mode == 4) {
                return; // never connects, never says BYE: the idle timeout reaps it
            }
            pbx.connectMrcp();
            switch (mode) {
                case 0 -> {
                    Pbx.speak(pbx, 1, "[[seconds=0.04 speed=50]] short");
                    assertThat(Pbx.next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
                    assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
                }
                case 1 -> {
                    Pbx.speak(pbx, 1, "[[seconds=5 speed=50]] cut off");
                    pbx.resetMrcp();
                    // the BYE races the 20 ms termination timeout here: either it wins, or the dialog is gone
                    assertThat(pbx.sendBye()).matches("(?s)SIP/2\\.0 (200|481) .*");
                }
                case 2 -> {
                    Pbx.speak(pbx, 1, "[[seconds=5 speed=2]] abandoned mid-prompt");
                    pbx.resetMrcp();
                }
                default -> {
                    assertThat(Pbx.status(Pbx.send(pbx, "SET-PARAMS", 1, Map.of("Voice-Name", "x")))).isEqualTo(200);
                    pbx.closeMrcp();
                }
            }
        }
    }

    /** Leaks are reported when a leaked buffer is collected and a later allocation is tracked. */
    private static void provokeLeakDetection() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(50); // real time: the collector enqueues leaked buffers' references on its own thread
            for (int i = 0; i < 200; i++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(64);
                a.release();
                b.release();
            }
        }
    }

    private static String counts(AtomicIntegerArray done) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < MODES.length; i++) {
            s.append(i == 0 ? "" : ", ").append(MODES[i]).append(' ').append(done.get(i));
        }
        return s.toString();
    }
}
