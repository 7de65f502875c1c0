package io.voxcpm.request;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.util.Map;

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
            GenerationParameters.MAX_LENGTH);

    public ParameterCaps {
        if (maxInferenceTimesteps < 1 || maxInferenceTimesteps > GenerationParameters.MAX_TIMESTEPS) {
            throw new IllegalArgumentException("the inference_timesteps cap must be 1-" + GenerationParameters.MAX_TIMESTEPS
                    + ", got " + maxInferenceTimesteps);
        }
        if (maxLength < 1 || maxLength > GenerationParameters.MAX_LENGTH) {
            throw new IllegalArgumentException("the max_length cap must be 1-" + GenerationParameters.MAX_LENGTH
                    + ", got " + maxLength);
        }
    }

    /**
     * @param validated parameters already in canonical form ({@link GenerationParameters#validated})
     * @param source    where they came from, for the message
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} naming the parameter, its value and the cap
     */
    void check(Map<String, String> validated, String source) throws SynthesisException {
        check(validated, source, SynthesisRequest.INFERENCE_TIMESTEPS, maxInferenceTimesteps);
        check(validated, source, SynthesisRequest.MAX_LENGTH, maxLength);
    }

    private static void check(Map<String, String> params, String source, String key, int cap)
            throws SynthesisException {
        String v = params.get(key);
        if (v != null && Long.parseLong(v) > cap) {
            throw new SynthesisException(Reason.INVALID_REQUEST, source + " " + key + "=" + v
                    + " is above this server's cap of " + cap + ": ask for at most " + cap + ", or leave it unset");
        }
    }
}
