package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.mrcp.synth.SpeakCost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostConfigTest {

    @TempDir
    Path dir;

    private ServerConfig load(String yaml) throws Exception {
        return ServerConfig.load(Files.writeString(dir.resolve("c.yaml"), yaml));
    }

    @Test
    void defaultsCapTimestepsAndBoundEachSpeak() throws Exception {
        SpeakCost cost = load("sip:\n  port: 8060\n").cost().speakCost();
        assertThat(cost.caps().maxInferenceTimesteps()).isEqualTo(30);
        assertThat(cost.caps().maxLength()).isEqualTo(4096);
        assertThat(cost.maxSpeakAudio()).isEqualTo(Duration.ofMinutes(10));
        assertThat(cost.readAhead()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theSectionIsReadAndCheckedTogether() throws Exception {
        SpeakCost cost = load("cost:\n  max-inference-timesteps: 12\n  max-length: 500\n  max-speak-audio-s: 120\n"
                + "  read-ahead-ms: 1500\n").cost().speakCost();
        assertThat(cost.caps().maxInferenceTimesteps()).isEqualTo(12);
        assertThat(cost.caps().maxLength()).isEqualTo(500);
        assertThat(cost.maxSpeakAudio()).isEqualTo(Duration.ofMinutes(2));
        assertThat(cost.readAhead()).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> load("cost:\n  max-inference-timesteps: 101\n  read-ahead-ms: 50\n"))
                .hasMessageContaining("cost.max-inference-timesteps must be 1-100, got 101")
                .hasMessageContaining("cost.read-ahead-ms must be 200-60000, got 50");
    }
}
