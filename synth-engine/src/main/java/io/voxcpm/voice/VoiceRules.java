package io.voxcpm.voice;

/** The checks a new voice passes before it is stored; messages say what to change. */
public final class VoiceRules {

    static final int MAX_DESCRIPTION = 500;
    static final int MAX_TRANSCRIPT = 4000;
    static final int MAX_CONSENT = 2000;
    static final int MAX_REGISTERED_BY = 200;

    private VoiceRules() {
    }

    static void check(NewVoice voice) throws InvalidVoiceException {
        if (voice == null) {
            throw new InvalidVoiceException("no voice given: give a design description or a recording");
        }
        text("registered-by", voice.registeredBy(), MAX_REGISTERED_BY, "say who registers the voice, e.g. ops@acme.example");
        voice.defaults().validate();
        if (voice instanceof NewVoice.Design d) {
            text("design description", d.description(), MAX_DESCRIPTION, "describe the voice, e.g. \"A warm, mature male voice\"");
            noParentheses("design description", d.description());
            if (d.anchor() != null) {
                text("anchor transcript", d.anchor().transcript(), MAX_TRANSCRIPT,
                        "give the exact words the anchor clip says");
            }
        } else if (voice instanceof NewVoice.Clone c) {
            if (c.recording() == null) {
                throw new InvalidVoiceException("a cloned voice needs a recording: give a 1-30 s WAV or FLAC file");
            }
            text("consent", c.consent(), MAX_CONSENT,
                    "say who consented to the cloning and how, e.g. \"Jane Doe, signed release 2026-11-01\"");
            if (c.transcriptIfSet().isPresent() && c.styleIfSet().isPresent()) {
                throw new InvalidVoiceException("a transcript and a style description cannot both be given: with the exact"
                        + " transcript the voice is an ultimate clone, where VoxCPM2 continues the recording and accepts no"
                        + " style; drop the style, or drop the transcript for a style-controllable clone");
            }
            if (c.transcriptIfSet().isPresent()) {
                text("transcript", c.transcript(), MAX_TRANSCRIPT, "give the exact words spoken in the recording");
            }
            if (c.styleIfSet().isPresent()) {
                text("style description", c.style(), MAX_DESCRIPTION, "describe the style, e.g. \"cheerful\"");
                noParentheses("style description", c.style());
            }
        }
    }

    /** The checks of a design description alone, before an anchor is rendered from it. */
    public static void checkDesign(String description) throws InvalidVoiceException {
        text("design description", description, MAX_DESCRIPTION, "describe the voice, e.g. \"A warm, mature male voice\"");
        noParentheses("design description", description);
    }

    private static void text(String what, String value, int max, String fix) throws InvalidVoiceException {
        if (value == null || value.isBlank()) {
            throw new InvalidVoiceException(what + " is missing: " + fix);
        }
        if (value.strip().length() > max) {
            throw new InvalidVoiceException(what + " is " + value.strip().length() + " characters long; keep it to " + max);
        }
    }

    // VoxCPM2 reads a description only as a "(...)" prefix; a parenthesis inside would end it early.
    private static void noParentheses(String what, String value) throws InvalidVoiceException {
        if (value.chars().anyMatch(ch -> ch == '(' || ch == ')' || ch == '\uFF08' || ch == '\uFF09')) {
            throw new InvalidVoiceException(what + " must not contain parentheses (VoxCPM2 wraps it in them): use commas instead");
        }
    }
}
