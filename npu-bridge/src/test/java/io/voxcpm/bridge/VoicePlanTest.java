package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.VoiceSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoicePlanTest {

    private final VoiceSample withText = new VoiceSample("ann", new byte[] {1}, "exact words");
    private final VoiceSample noText = new VoiceSample("bob", new byte[] {2}, " ");
    private final VoiceSource voices = name -> switch (name) {
        case "ann" -> Optional.of(withText);
        case "bob" -> Optional.of(noText);
        default -> Optional.empty();
    };

    private VoicePlan plan(String name, String description, SynthesisMode mode) throws SynthesisException {
        return VoicePlan.resolve(new VoiceSpec(name, null, null, description), mode, voices);
    }

    @Test
    void modeFollowsFromWhatTheRequestCarries() throws Exception {
        assertThat(plan(null, null, null).mode()).isEqualTo(SynthesisMode.ZERO_SHOT);
        assertThat(plan("default", null, null).mode()).isEqualTo(SynthesisMode.ZERO_SHOT);
        assertThat(plan(null, "warm (old) voice", null)).isEqualTo(new VoicePlan(SynthesisMode.DESIGN, "warm old voice", null));
        assertThat(plan("ann", null, null).mode()).isEqualTo(SynthesisMode.ULTIMATE_CLONE);
        assertThat(plan("ann", "cheerful", null).mode()).isEqualTo(SynthesisMode.CLONE);
        assertThat(plan("bob", null, null).mode()).isEqualTo(SynthesisMode.CLONE);
        assertThat(plan("ann", null, SynthesisMode.CLONE).mode()).isEqualTo(SynthesisMode.CLONE);
    }

    @Test
    void explicitModesAreChecked() {
        assertThatThrownBy(() -> plan("bob", null, SynthesisMode.ULTIMATE_CLONE)).hasMessageContaining("transcript");
        assertThatThrownBy(() -> plan("ann", "sad", SynthesisMode.ULTIMATE_CLONE)).hasMessageContaining("style");
        assertThatThrownBy(() -> plan(null, null, SynthesisMode.DESIGN)).hasMessageContaining("description");
        assertThatThrownBy(() -> plan("ann", null, SynthesisMode.ZERO_SHOT)).hasMessageContaining("zero_shot");
        assertThatThrownBy(() -> plan("carl", null, null))
                .isInstanceOfSatisfying(SynthesisException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VOICE));
    }

}
