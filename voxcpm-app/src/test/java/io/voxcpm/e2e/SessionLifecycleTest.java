package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.next;
import static io.voxcpm.e2e.Pbx.speak;
import static io.voxcpm.e2e.Pbx.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.ServerUsage;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How sessions end and what they may share: BYE and TCP close in either order, abandoned sessions reaped,
 * session timers, connection sharing under load, and the per-address and per-connection limits.
 */
class SessionLifecycleTest {

    private static final int TERMINATION_MS = 300;
    private static final int CHANNELS_PER_CONNECTION = 8;
    private static final int SESSIONS_PER_ADDRESS = 10;
    private static VoxcpmMrcpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = VoxcpmMrcpServer.start(Pbx.config(33000,
                new SynthConfig(50, 100, false, 4, 20_000, 1, SESSIONS_PER_ADDRESS),
                new MrcpConfig(0, 600, TERMINATION_MS, null, null, CHANNELS_PER_CONNECTION)),
                new ScriptedStandInEngine());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void nothingLeftBehind() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.usage())
                .isEqualTo(new ServerUsage(0, 0, server.usage().mrcpConnections(), 0, 0, 0)));
    }

    @Test
    void byeBeforeTcpCloseReleasesEverything() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            speak(pbx, 1, "[[seconds=0.2]] bye first");
            assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
            await().atMost(Duration.ofSeconds(2)).until(() -> server.sessionCount() == 0);
            pbx.closeMrcp();
        }
    }

    @Test
    void tcpCloseBeforeByeWaitsForTheBye() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            speak(pbx, 1, "[[seconds=0.2]] close first");
            next(pbx);
            pbx.closeMrcp();
            Thread.sleep(TERMINATION_MS / 3); // real time: the grace period for a BYE is what is tested
            assertThat(server.sessionCount()).as("kept for the BYE racing the close").isEqualTo(1);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void speakingSessionWhoseConnectionIsResetIsEndedWithAByeSayingWhy() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            speak(pbx, 1, "[[seconds=5]] long prompt");
            await().atMost(Duration.ofSeconds(2)).until(() -> pbx.rtpPackets().size() > 3);
            pbx.resetMrcp();
            await().atMost(Duration.ofSeconds(3)).until(() -> server.sessionCount() == 0);
            int atReap = pbx.rtpPackets().size();
            Thread.sleep(200); // real time: ten ticks in which a leftover stream would still send
            assertThat(pbx.rtpPackets().size()).as("audio stops with the session").isLessThanOrEqualTo(atReap + 1);
            assertThat(pbx.awaitServerBye()).as("the server hangs up, saying why")
                    .contains("Reason: SIP;text=\"MRCP connection closed and no BYE within " + TERMINATION_MS + " ms\"");
            assertThat(pbx.sendBye()).as("the dialog is gone").startsWith("SIP/2.0 481");
        }
    }

    @Test
    void reconnectingWithinTheTerminationTimeoutKeepsTheSession() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            pbx.closeMrcp();
            pbx.connectMrcp();
            assertThat(speak(pbx, 1, "[[seconds=0.6]] still here").startLine()).endsWith("IN-PROGRESS");
            assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(server.sessionCount()).isEqualTo(1);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void sessionWhoseClientNeverConnectsIsReaped() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU)))
                    .startsWith("SIP/2.0 200");
            assertThat(server.sessionCount()).isEqualTo(1);
            await().atLeast(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> server.sessionCount() == 0);
            assertThat(pbx.awaitServerBye()).contains("Reason: SIP;text=\"no MRCP request within 1 s of the INVITE\"");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 481");
        }
    }

    @Test
    void sessionTimerIsEchoedRefreshedAndTooShortOnesRefused() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            String offer = UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU);
            String ok = pbx.invite(offer, "Session-Expires: 1800;refresher=uac\r\nMin-SE: 120\r\n");
            assertThat(ok).startsWith("SIP/2.0 200");
            assertThat(UniMrcpClientSim.headerOf(ok, "Session-Expires")).isEqualTo("1800;refresher=uac");
            assertThat(UniMrcpClientSim.headerOf(ok, "Require")).isEqualTo("timer");
            String answer = pbx.answer();
            String refresh = pbx.reinvite(offer, "Session-Expires: 1800;refresher=uac\r\n");
            assertThat(refresh).startsWith("SIP/2.0 200");
            assertThat(refresh.substring(refresh.indexOf("\r\n\r\n") + 4)).as("identical SDP").isEqualTo(answer);
            assertThat(UniMrcpClientSim.headerOf(refresh, "Session-Expires")).isEqualTo("1800;refresher=uac");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            String tooShort = pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU),
                    "Session-Expires: 30\r\n");
            assertThat(tooShort).startsWith("SIP/2.0 422");
            assertThat(UniMrcpClientSim.headerOf(tooShort, "Min-SE")).isEqualTo("90");
        }
    }

    @Test
    void manyChannelsShareOneConnectionUnderLoadUpToTheLimit() throws Exception {
        List<UniMrcpClientSim> calls = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.usage().mrcpConnections() == 0);
            UniMrcpClientSim first = Pbx.call(server);
            calls.add(first);
            // the client's connect returns when the kernel accepts; the server learns of it on its event loop
            await().atMost(Duration.ofSeconds(5)).until(() -> server.usage().mrcpConnections() == 1);
            for (int i = 1; i <= CHANNELS_PER_CONNECTION; i++) {
                UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server));
                String offer = UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU)
                        .replace("a=connection:new", "a=connection:existing");
                assertThat(pbx.invite(offer)).startsWith("SIP/2.0 200");
                assertThat(pbx.answer()).contains("a=connection:existing");
                pbx.shareMrcpOf(first);
                calls.add(pbx);
            }
            // every channel speaks at once on the one connection
            for (int i = 0; i < CHANNELS_PER_CONNECTION; i++) {
                calls.get(i).sendMrcp("SPEAK", 100 + i, Map.of(), "text/plain", "[[seconds=0.5]] channel " + i);
            }
            Map<String, List<String>> byChannel = new HashMap<>();
            for (int i = 0; i < 2 * CHANNELS_PER_CONNECTION; i++) {
                UniMrcpClientSim.MrcpMessage m = first.readMrcp(Duration.ofSeconds(10));
                byChannel.computeIfAbsent(m.header("Channel-Identifier"), k -> new ArrayList<>()).add(m.startLine()
                        + (m.header("Completion-Cause") == null ? "" : " " + m.header("Completion-Cause")));
            }
            for (int i = 0; i < CHANNELS_PER_CONNECTION; i++) {
                List<String> seen = byChannel.get(calls.get(i).channelId());
                assertThat(seen).hasSize(2);
                assertThat(seen.get(0)).endsWith(" " + (100 + i) + " 200 IN-PROGRESS");
                assertThat(seen.get(1)).endsWith("SPEAK-COMPLETE " + (100 + i) + " COMPLETE 000 normal");
                assertThat(calls.get(i).rtpPackets()).hasSizeBetween(24, 26);
            }
            // one channel more than the connection may carry
            UniMrcpClientSim extra = calls.get(CHANNELS_PER_CONNECTION);
            extra.sendMrcp("STOP", 1, Map.of(), null, null);
            assertThat(status(first.readMrcp(Duration.ofSeconds(5)))).isEqualTo(407);
        } finally {
            for (UniMrcpClientSim pbx : calls) {
                pbx.sendBye();
            }
            calls.get(0).close();
            for (UniMrcpClientSim pbx : calls.subList(1, calls.size())) {
                pbx.shareMrcpOf(null);
            }
        }
    }

    @Test
    void sessionsPerAddressAreLimitedWith480() throws Exception {
        List<UniMrcpClientSim> calls = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS_PER_ADDRESS; i++) {
                UniMrcpClientSim pbx = Pbx.call(server);
                calls.add(pbx);
                // used, so the 1 s first-request timeout cannot end it while the others are set up
                assertThat(status(Pbx.send(pbx, "GET-PARAMS", 1, Map.of()))).isEqualTo(200);
            }
            try (UniMrcpClientSim one = new UniMrcpClientSim(Pbx.sip(server))) {
                assertThat(one.invite(UniMrcpClientSim.freeswitchOffer(one.rtpPort(), "0", Pbx.PCMU)))
                        .startsWith("SIP/2.0 480");
            }
        } finally {
            for (UniMrcpClientSim pbx : calls) {
                pbx.sendBye();
                pbx.close();
            }
        }
    }
}
