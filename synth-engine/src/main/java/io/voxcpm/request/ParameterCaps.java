package io.voxcpm.request;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;

/**
 * The operator's ceiling on the generation parameters a caller may choose (in SET-PARAMS,
 * Vendor-Specific-Parameters or SSML): generation time grows with {@code inference_timesteps} and
 * {@code max_length}, so a caller allowed the model's maxima can hold a worker slot many times longer than
 * everyone else. A value past the cap is refused, not lowered, so the caller learns why it did not get what
 * it asked for. The server's and the registered voices' own defaults are the operator's and not capped.
 *
 * @param maxInferenceTimesteps the highest {@code inference_timesteps} a caller may ask for (model: 100)
 * @param maxLength             the highest {@code max_length} (patches of 160 ms) a caller may ask for (model: 4096)
 */
public record ParameterCaps(int maxInferenceTimesteps, int maxLength) {

    /** The model's own ranges: nothing beyond what {@link GenerationParameters} checks. */
    public static final ParameterCaps MODEL = new ParameterCaps(GenerationParameters.MAX_TIMESTEPS,
            GenerationParameters.MAX_LENGTH_PATCHES);

    public ParameterCaps {
        if (maxInferenceTimesteps < 1 || maxInferenceTimesteps > GenerationParameters.MAX_TIMESTEPS) {
            throw new IllegalArgumentException("the inference_timesteps cap must be 1-" + GenerationParameters.MAX_TIMESTEPS
                    + ", got " + maxInferenceTimesteps);
        }
        if (maxLength < 1 || maxLength > GenerationParameters.MAX_LENGTH_PATCHES) {
            throw new IllegalArgumentException("the max_length cap must be 1-" + GenerationParameters.MAX_LENGTH_PATCHES
                    + ", got " + maxLength);
        }
    }

    /**
     * @param asked  what one layer of the request asks for (the client's layers only)
     * @param source where it came from, for the message
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} naming the parameter, its value and the cap
     */
    void check(GenerationParameters asked, String source) throws SynthesisException {
        check(asked.inferenceTimesteps(), source, GenerationParameters.INFERENCE_TIMESTEPS, maxInferenceTimesteps);
        check(asked.maxLength(), source, GenerationParameters.MAX_LENGTH, maxLength);
    }

    private static void check(Integer value, String source, String name, int cap) throws SynthesisException {
        if (value != null && value > cap) {
            throw new SynthesisException(Reason.INVALID_REQUEST, source + " " + name + "=" + value
                    + " is above this server's cap of " + cap + ": ask for at most " + cap + ", or leave it unset");
        }
    }
}
