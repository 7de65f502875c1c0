package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.next;
import static io.voxcpm.e2e.Pbx.send;
import static io.voxcpm.e2e.Pbx.speak;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.voxcpm.mrcp.synth.SynthesizerChannel;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The brief's log rule over a whole call: one INFO line per call, carrying its session id and what its SPEAKs
 * came to; each SPEAK's and each request's own lines at DEBUG, with the session id too.
 */
class CallLogEndToEndTest {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger voxcpm = (Logger) LoggerFactory.getLogger("io.voxcpm");
    private final Logger synth = (Logger) LoggerFactory.getLogger(SynthesizerChannel.class);
    private Level synthLevel;

    @BeforeEach
    void captureLog() {
        synthLevel = synth.getLevel();
        synth.setLevel(Level.DEBUG);
        logged.start();
        voxcpm.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        voxcpm.detachAppender(logged);
        synth.setLevel(synthLevel);
    }

    @Test
    void aCallOfTwoSpeaksLogsOneInfoLineWithTheirSummary() throws Exception {
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.start(Pbx.config(48000,
                new SynthConfig(60, 50, false, 4), new MrcpConfig(0, 600, 3000)), new ScriptedStandInEngine())) {
            String sessionId;
            try (UniMrcpClientSim pbx = Pbx.call(server)) {
                sessionId = pbx.channelId().substring(0, pbx.channelId().indexOf('@'));
                assertThat(speak(pbx, 1, "[[seconds=0.2]] one").startLine()).endsWith(" 1 200 IN-PROGRESS");
                assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
                assertThat(speak(pbx, 2, "[[seconds=5]] two").startLine()).endsWith(" 2 200 IN-PROGRESS");
                assertThat(send(pbx, "STOP", 3, Map.of()).header("Active-Request-Id-List")).isEqualTo("2");
                assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> lines(sessionId, Level.INFO).stream()
                    .anyMatch(line -> line.contains("session closed")));

            List<String> info = lines(sessionId, Level.INFO);
            assertThat(info).hasSize(1);
            assertThat(info.get(0)).startsWith("[" + sessionId + " ").contains("session closed (bye) after ")
                    .containsPattern("; speaks 2: 1 complete, 1 stopped, 0 failed; [1-9]\\d* frames; "
                            + "first audio max \\d+ ms$");
            List<String> debug = lines(sessionId, Level.DEBUG);
            assertThat(debug).anyMatch(line -> line.contains("SPEAK 1 complete: "))
                    .anyMatch(line -> line.contains("STOP 3 stopped [2]"))
                    .anyMatch(line -> line.contains("SPEAK 2 ended without SPEAK-COMPLETE"));
            assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .noneMatch(e -> e.getFormattedMessage().contains("SPEAK 1 complete"));
        }
    }

    /** The lines at exactly {@code level} that carry {@code sessionId}. */
    private List<String> lines(String sessionId, Level level) {
        return List.copyOf(logged.list).stream().filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains(sessionId)).toList();
    }
}
