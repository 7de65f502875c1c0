package io.voxcpm.voice;

import java.util.Optional;

/** What to register under a name; {@link VoiceRegistry#add} checks it and stores it as a new version. */
public sealed interface NewVoice {

    GenerationDefaults defaults();

    /** Who registers it (free text, e.g. an e-mail address). */
    String registeredBy();

    /**
     * A voice described in words, e.g. "A warm, mature male voice".
     *
     * @param anchor the rendering of the description the operator accepted, or null (an unanchored voice)
     */
    record Design(String description, GenerationDefaults defaults, String registeredBy, Anchor anchor)
            implements NewVoice {

        public Design {
            defaults = defaults == null ? GenerationDefaults.NONE : defaults;
        }

        /** An unanchored design voice. */
        public Design(String description, GenerationDefaults defaults, String registeredBy) {
            this(description, defaults, registeredBy, null);
        }
    }

    /**
     * A voice cloned from a recording ({@link Recording#read}).
     *
     * @param transcript the exact words spoken in the recording, or null
     * @param style      a style description such as "cheerful", or null; not allowed with a transcript
     * @param consent    who consented, and how (required)
     */
    record Clone(Recording recording, String transcript, String style, String consent,
                 GenerationDefaults defaults, String registeredBy) implements NewVoice {

        public Clone {
            defaults = defaults == null ? GenerationDefaults.NONE : defaults;
        }

        Optional<String> transcriptIfSet() {
            return Optional.ofNullable(transcript).map(String::strip).filter(t -> !t.isEmpty());
        }

        Optional<String> styleIfSet() {
            return Optional.ofNullable(style).map(String::strip).filter(t -> !t.isEmpty());
        }
    }
}
