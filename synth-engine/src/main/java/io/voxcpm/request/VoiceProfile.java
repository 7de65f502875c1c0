package io.voxcpm.request;

import java.util.Map;
import java.util.Objects;

/** What the planner needs to know about a registered voice. */
public sealed interface VoiceProfile {

    /** Generation parameters this voice was tuned with (engine keys such as {@code cfg_value}); never null. */
    Map<String, String> defaultParameters();

    /** A voice described in words. */
    record Design(String description, Map<String, String> defaultParameters) implements VoiceProfile {
        public Design {
            Objects.requireNonNull(description, "description");
            defaultParameters = defaultParameters == null ? Map.of() : Map.copyOf(defaultParameters);
        }
    }

    /**
     * A voice cloned from a reference recording.
     *
     * @param hasTranscript    the recording's exact transcript is stored, so ultimate cloning is possible
     * @param styleDescription a speaking style stored with the voice, or null
     */
    record Clone(boolean hasTranscript, String styleDescription, Map<String, String> defaultParameters)
            implements VoiceProfile {
        public Clone {
            defaultParameters = defaultParameters == null ? Map.of() : Map.copyOf(defaultParameters);
        }
    }
}
