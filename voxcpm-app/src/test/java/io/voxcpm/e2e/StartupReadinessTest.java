package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.PCMU;
import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server listens before its engine loads; until then every new INVITE gets 503 with Retry-After. */
class StartupReadinessTest {

    private static ServerConfig config() {
        return Pbx.config(34000, ServerConfig.DEFAULTS.synth(), ServerConfig.DEFAULTS.mrcp().withPort(0));
    }

    @Test
    void invitesWhileTheEngineLoadsGet503WithRetryAfterThenTheSameServerAnswers() throws Exception {
        CountDownLatch engineMayLoad = new CountDownLatch(1);
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.listen(config(), VoiceCatalog.EMPTY, () -> {
            try {
                engineMayLoad.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ScriptedStandInEngine();
        })) {
            assertThat(server.ready()).isNotDone();
            try (UniMrcpClientSim early = new UniMrcpClientSim(Pbx.sip(server))) {
                String response = early.invite(UniMrcpClientSim.freeswitchOffer(early.rtpPort(), "0", PCMU));
                assertThat(response).startsWith("SIP/2.0 503");
                assertThat(response).containsIgnoringCase("\r\nRetry-After: 1\r\n");
            }
            assertThat(server.sessionCount()).isZero();

            engineMayLoad.countDown();
            server.ready().get(10, TimeUnit.SECONDS);
            try (UniMrcpClientSim later = Pbx.call(server)) {
                assertThat(Pbx.status(Pbx.speak(later, 1, "[[seconds=0.1]] ready now"))).isEqualTo(200);
                assertThat(later.sendBye()).startsWith("SIP/2.0 200");
            }
        }
    }

    @Test
    void anEngineThatCannotLoadFailsReadinessWithItsReason() throws Exception {
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.listen(config(), VoiceCatalog.EMPTY, () -> {
            throw new VoxcpmMrcpServer.StartupException("no voice here");
        })) {
            assertThat(server.ready()).failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("no voice here");
        }
    }
}
