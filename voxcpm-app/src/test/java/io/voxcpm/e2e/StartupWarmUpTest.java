package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.PCMU;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.sip.SipTraffic;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The start-up warm-up runs whole synthetic calls through a private copy of the pipeline while the engine
 * loads and while the ready server has no call, and none of it reaches the real server: its sessions, its SIP
 * counts, its log, its callers.
 */
class StartupWarmUpTest {

    private final CountDownLatch engineMayLoad = new CountDownLatch(1);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLog() {
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        root.detachAppender(logged);
    }

    private VoxcpmMrcpServer loadingServer() throws VoxcpmMrcpServer.StartupException {
        ServerConfig config = Pbx.config(34200, ServerConfig.DEFAULTS.synth(), ServerConfig.DEFAULTS.mrcp().withPort(0));
        return VoxcpmMrcpServer.listen(config, VoiceCatalog.EMPTY, () -> {
            try {
                engineMayLoad.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ScriptedStandInEngine();
        });
    }

    @Test
    void warmUpCallsNeverReachTheServersSessionsCountsOrLog() throws Exception {
        try (VoxcpmMrcpServer server = loadingServer()) {
            long invites = SipTraffic.requests().get("INVITE");
            long answered = SipTraffic.responses("INVITE", 2);

            assertThat(server.startWarmUp(40).get(60, TimeUnit.SECONDS)).isEqualTo(40);

            assertThat(SipTraffic.requests().get("INVITE")).isEqualTo(invites);
            assertThat(SipTraffic.responses("INVITE", 2)).isEqualTo(answered);
            assertThat(server.sessionCount()).isZero();
            assertThat(server.ready()).isNotDone();
            // 40 calls would have logged 40 "session closed" lines and 40 SPEAK lines from its threads
            assertThat(logged.list).noneMatch(e -> e.getThreadName().startsWith("warmup-"));
            assertThat(logged.list).anyMatch(e -> e.getFormattedMessage().startsWith("start-up warm-up: 40 synthetic calls"));
            try (UniMrcpClientSim caller = new UniMrcpClientSim(Pbx.sip(server))) {
                String response = caller.invite(UniMrcpClientSim.freeswitchOffer(caller.rtpPort(), "0", PCMU));
                assertThat(response).startsWith("SIP/2.0 503"); // still loading: the warm-up answered nobody
            }

            engineMayLoad.countDown();
            server.ready().get(10, TimeUnit.SECONDS);
            try (UniMrcpClientSim later = Pbx.call(server)) {
                assertThat(Pbx.status(Pbx.speak(later, 1, "[[seconds=0.1]] after the warm-up"))).isEqualTo(200);
                assertThat(later.sendBye()).startsWith("SIP/2.0 200");
            }
            assertThat(SipTraffic.requests().get("INVITE")).isEqualTo(invites + 2); // the 503'd one and the call
        }
    }

    @Test
    void aReadyServerWithoutCallsGoesOnWarmingUp() throws Exception {
        engineMayLoad.countDown();
        try (VoxcpmMrcpServer server = loadingServer()) {
            server.ready().get(10, TimeUnit.SECONDS);
            long answered = SipTraffic.responses("INVITE", 2);

            assertThat(server.startWarmUp(40).get(60, TimeUnit.SECONDS)).isEqualTo(40);

            assertThat(logged.list).anyMatch(e -> e.getFormattedMessage().startsWith("start-up warm-up: 40 synthetic calls")
                    && e.getFormattedMessage().endsWith("(all done)"));
            assertThat(SipTraffic.responses("INVITE", 2)).isEqualTo(answered);
            assertThat(server.sessionCount()).isZero();
        }
    }

    @Test
    void theWarmUpEndsAtTheFirstRealCall() throws Exception {
        engineMayLoad.countDown();
        try (VoxcpmMrcpServer server = loadingServer()) {
            server.ready().get(10, TimeUnit.SECONDS);
            var warmUp = server.startWarmUp(Integer.MAX_VALUE);
            assertThat(warmUp).isNotDone();

            try (UniMrcpClientSim caller = Pbx.call(server)) {
                assertThat(warmUp.get(30, TimeUnit.SECONDS)).isLessThan(Integer.MAX_VALUE);
                assertThat(logged.list).anyMatch(e -> e.getFormattedMessage().startsWith("start-up warm-up: ")
                        && e.getFormattedMessage().endsWith("(a call came in)"));
                assertThat(Pbx.status(Pbx.speak(caller, 1, "[[seconds=0.1]] the first call"))).isEqualTo(200);
                assertThat(caller.sendBye()).startsWith("SIP/2.0 200");
            }
        }
    }

    @Test
    void theWarmUpEndsWhenTheServerCloses() throws Exception {
        engineMayLoad.countDown();
        VoxcpmMrcpServer server = loadingServer();
        server.ready().get(10, TimeUnit.SECONDS);
        var warmUp = server.startWarmUp(Integer.MAX_VALUE);
        server.close();
        assertThat(warmUp.get(30, TimeUnit.SECONDS)).isLessThan(Integer.MAX_VALUE);
        assertThat(logged.list).anyMatch(e -> e.getFormattedMessage().startsWith("start-up warm-up: ")
                && e.getFormattedMessage().endsWith("(the server closed)"));
    }
}
