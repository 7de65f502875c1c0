package io.voxcpm.bridge;

import static io.voxcpm.engine.SynthesisRequest.CFG_VALUE;
import static io.voxcpm.engine.SynthesisRequest.INFERENCE_TIMESTEPS;
import static io.voxcpm.engine.SynthesisRequest.MAX_LENGTH;
import static io.voxcpm.engine.SynthesisRequest.MODE;
import static io.voxcpm.engine.SynthesisRequest.SEED;
import static io.voxcpm.engine.SynthesisRequest.SESSION_ID;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.Map;

/**
 * The generation knobs a request may carry in {@link io.voxcpm.engine.SynthesisRequest#parameters()}.
 * Zero (or absent) means "the worker's default", as on the wire. The key constants are what protocol
 * layers put into the map.
 */
public record SynthesisParameters(
        VoiceMode mode, float cfgValue, int inferenceTimesteps, long seed, int maxLength, String sessionId) {

    static SynthesisParameters from(Map<String, String> p) throws SynthesisException {
        try {
            VoiceMode mode = blank(p.get(MODE)) ? null : VoiceMode.parse(p.get(MODE));
            float cfg = blank(p.get(CFG_VALUE)) ? 0f : Float.parseFloat(p.get(CFG_VALUE).trim());
            int steps = blank(p.get(INFERENCE_TIMESTEPS)) ? 0 : Integer.parseInt(p.get(INFERENCE_TIMESTEPS).trim());
            long seed = blank(p.get(SEED)) ? 0L : Long.parseLong(p.get(SEED).trim());
            int maxLength = blank(p.get(MAX_LENGTH)) ? 0 : Integer.parseInt(p.get(MAX_LENGTH).trim());
            if (!(cfg >= 0f) || Float.isInfinite(cfg) || steps < 0 || maxLength < 0) {
                throw new IllegalArgumentException("cfg_value, inference_timesteps and max_length must not be negative");
            }
            String session = blank(p.get(SESSION_ID)) ? "-" : p.get(SESSION_ID);
            return new SynthesisParameters(mode, cfg, steps, seed, maxLength, session);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new SynthesisException(Reason.INVALID_REQUEST, "bad generation parameter: " + e.getMessage());
        }
    }

    boolean setsCfgOrTimesteps() {
        return cfgValue != 0f || inferenceTimesteps != 0;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
