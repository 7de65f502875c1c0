package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A caller's inference_timesteps=100 holds a worker ten times longer than the default: the operator caps it. */
class ParameterCapsTest {

    private static final String SPEAK = "<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
            + "xmlns:vx=\"urn:voxcpm-mrcp:ssml:1\" xml:lang=\"en-US\">";
    private static final VoiceCatalog VOICES = name -> name.equals("slow")
            ? java.util.Optional.of(new VoiceProfile.Design("A calm voice", Map.of("inference_timesteps", "50")))
            : java.util.Optional.empty();

    private final RequestPlanner capped = new RequestPlanner(VOICES, Map.of("inference_timesteps", "40"))
            .withCaps(new ParameterCaps(30, 1000));

    @Test
    void aRequestParameterPastTheCapIsRefusedNamingIt() {
        assertThatThrownBy(() -> capped.planText("Hello.", RequestDefaults.of(Map.of("inference_timesteps", "100"))))
                .isInstanceOfSatisfying(SynthesisException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST))
                .hasMessageContaining("request parameter inference_timesteps=100 is above this server's cap of 30");
        assertThatThrownBy(() -> capped.planText("Hello.", RequestDefaults.of(Map.of("max_length", "4096"))))
                .hasMessageContaining("max_length=4096 is above this server's cap of 1000");
    }

    @Test
    void ssmlPastTheCapIsRefusedToo() {
        assertThatThrownBy(() -> capped.planSsml(SPEAK + "<voice vx:timesteps=\"31\">Hi.</voice></speak>",
                RequestDefaults.NONE)).hasMessageContaining("SSML inference_timesteps=31 is above this server's cap of 30");
    }

    @Test
    void valuesUpToTheCapAndTheOperatorsOwnDefaultsPass() throws Exception {
        List<Segment> ok = capped.planText("Hello.", RequestDefaults.of(Map.of("inference_timesteps", "30")));
        assertThat(((Segment.Speech) ok.get(0)).generation().inferenceTimesteps()).isEqualTo(30);
        // the server default (40) and a registered voice's (50) are the operator's choices
        assertThat(((Segment.Speech) capped.planText("Hello.", RequestDefaults.NONE).get(0)).generation().inferenceTimesteps()).isEqualTo(40);
        assertThat(((Segment.Speech) capped.planSsml(SPEAK + "<voice name=\"slow\">Hi.</voice></speak>",
                RequestDefaults.NONE).get(0)).generation().inferenceTimesteps()).isEqualTo(50);
    }

    @Test
    void withoutCapsTheModelRangeApplies() throws Exception {
        RequestPlanner open = new RequestPlanner(VOICES, Map.of());
        assertThat(((Segment.Speech) open.planText("Hello.", RequestDefaults.of(Map.of("inference_timesteps", "100")))
                .get(0)).generation().inferenceTimesteps()).isEqualTo(100);
        assertThatThrownBy(() -> new ParameterCaps(101, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
