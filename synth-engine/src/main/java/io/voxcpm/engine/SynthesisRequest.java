package io.voxcpm.engine;

import java.util.Map;
import java.util.Objects;

/**
 * One utterance to synthesise.
 *
 * @param text       the words to speak, free of markup
 * @param language   an RFC 5646 tag such as {@code en-US}, or null for the engine's default
 * @param voice      the requested voice
 * @param parameters engine-specific generation parameters (e.g. {@code cfg_value}), never null
 */
public record SynthesisRequest(String text, String language, VoiceSpec voice, Map<String, String> parameters) {

    /**
     * Parameter key: the VoxCPM2 mode, one of {@code zero_shot}, {@code design}, {@code clone},
     * {@code ultimate_clone}. Absent: the engine infers it from the voice.
     */
    public static final String MODE = "mode";
    /** Parameter key: classifier-free guidance scale, a number from 0.1 to 10 (model default 2.0). */
    public static final String CFG_VALUE = "cfg_value";
    /** Parameter key: diffusion steps per patch, an integer from 1 to 100 (model default 10). */
    public static final String INFERENCE_TIMESTEPS = "inference_timesteps";
    /** Parameter key: random seed, a positive integer (0 or absent: unseeded). */
    public static final String SEED = "seed";
    /** Parameter key: the most audio patches (160 ms each) to generate, an integer from 1 to 4096. */
    public static final String MAX_LENGTH = "max_length";
    /** Parameter key: speaking rate as a multiplier ({@code 1.25}) or a prosody value ({@code fast}, {@code +20%}). */
    public static final String RATE = "rate";
    /** Parameter key: not a model knob; tags logs and worker requests with the MRCP session. */
    public static final String SESSION_ID = "session_id";

    public SynthesisRequest {
        Objects.requireNonNull(text, "text");
        voice = voice == null ? VoiceSpec.DEFAULT : voice;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    public static SynthesisRequest of(String text) {
        return new SynthesisRequest(text, null, VoiceSpec.DEFAULT, Map.of());
    }
}
