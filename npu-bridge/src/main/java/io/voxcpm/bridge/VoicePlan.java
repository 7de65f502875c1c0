package io.voxcpm.bridge;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.VoiceSpec;
import java.util.regex.Pattern;

/**
 * Which mode a request runs in, with the description and recording that mode needs.
 *
 * @param mode        the resolved mode
 * @param description design description or clone style, free of parentheses; null when none
 * @param sample      the reference recording for the clone modes; null otherwise
 */
record VoicePlan(SynthesisMode mode, String description, VoiceSample sample) {

    /** The description becomes a "(...)" prefix: stray parentheses would end it early or be read aloud. */
    private static final Pattern PARENS = Pattern.compile("[()（）]");

    /** The OpenAI-style placeholder that means "no particular voice". */
    private static final String DEFAULT_VOICE = "default";

    /**
     * An explicit {@code mode} parameter is checked against what the request carries; without one the
     * mode follows from it: a named voice clones (ultimate when the voice has a transcript and no style
     * was asked for), a description designs, nothing is zero-shot.
     */
    static VoicePlan resolve(VoiceSpec voice, SynthesisMode requested, VoiceSource voices) throws SynthesisException {
        String description = voice.description() == null ? "" : PARENS.matcher(voice.description()).replaceAll("").trim();
        String desc = description.isEmpty() ? null : description;
        VoiceSample sample = null;
        String name = voice.nameIfSet().filter(n -> !n.equalsIgnoreCase(DEFAULT_VOICE)).orElse(null);
        if (name != null) {
            sample = voices.find(name).orElseThrow(
                    () -> new SynthesisException(Reason.UNKNOWN_VOICE, "no registered voice named '" + name + "'"));
        }
        SynthesisMode mode = requested != null ? requested : infer(desc, sample);
        switch (mode) {
            case ZERO_SHOT -> {
                require(sample == null && desc == null, "mode zero_shot takes neither a voice nor a description");
            }
            case DESIGN -> {
                require(desc != null, "mode design needs a voice description");
                require(sample == null, "mode design takes no reference voice (use clone with a style description)");
            }
            case CLONE -> require(sample != null, "mode clone needs a registered voice");
            case ULTIMATE_CLONE -> {
                require(sample != null, "mode ultimate_clone needs a registered voice");
                require(sample.hasTranscript(), "mode ultimate_clone needs a voice with a transcript");
                require(desc == null, "mode ultimate_clone takes no style description");
            }
        }
        return new VoicePlan(mode, desc, sample);
    }

    private static SynthesisMode infer(String desc, VoiceSample sample) {
        if (sample != null) {
            return sample.hasTranscript() && desc == null ? SynthesisMode.ULTIMATE_CLONE : SynthesisMode.CLONE;
        }
        return desc != null ? SynthesisMode.DESIGN : SynthesisMode.ZERO_SHOT;
    }

    private static void require(boolean condition, String message) throws SynthesisException {
        if (!condition) {
            throw new SynthesisException(Reason.INVALID_REQUEST, message);
        }
    }
}
