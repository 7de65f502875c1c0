package io.voxcpm.request;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the generation parameters the model bridge reads and writes them in one canonical form (so
 * {@code 2}, {@code 2.0} and {@code 2.00} make the same cache key). Ranges: voxcpm-api.md §1.4 (the
 * VoxCPM CLI accepts cfg 0.1–10; the model's {@code max_len} is 4096 patches); 100 timesteps is far past
 * the point of diminishing returns (default 10). Keys other than these pass through unchanged.
 */
final class GenerationParameters {

    static final BigDecimal MIN_CFG = new BigDecimal("0.1");
    static final BigDecimal MAX_CFG = BigDecimal.TEN;
    static final int MAX_TIMESTEPS = 100;
    static final int MAX_LENGTH = 4096;

    private GenerationParameters() {
    }

    /**
     * {@code params} with every known key checked and canonical; a blank value means "not set" and is
     * dropped.
     *
     * @param source where the values came from, for the error message (e.g. {@code "SSML"})
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} naming the source, key, value and the rule
     */
    static Map<String, String> validated(Map<String, String> params, String source) throws SynthesisException {
        Map<String, String> out = new HashMap<>();
        for (var e : params.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue().trim();
            if (v.isEmpty()) {
                continue;
            }
            String canonical = switch (e.getKey()) {
                case SynthesisRequest.MODE -> SynthesisMode.parse(v).map(SynthesisMode::value).orElse(null);
                case SynthesisRequest.CFG_VALUE -> cfg(v);
                case SynthesisRequest.INFERENCE_TIMESTEPS -> integer(v, 1, MAX_TIMESTEPS);
                case SynthesisRequest.SEED -> integer(v, 1, Long.MAX_VALUE);
                case SynthesisRequest.MAX_LENGTH -> integer(v, 1, MAX_LENGTH);
                default -> v;
            };
            if (canonical == null) {
                throw new SynthesisException(Reason.INVALID_REQUEST,
                        source + " " + e.getKey() + "='" + v + "': " + rule(e.getKey()));
            }
            out.put(e.getKey(), canonical);
        }
        return out;
    }

    private static String rule(String key) {
        return switch (key) {
            case SynthesisRequest.MODE -> "must be zero_shot, design, clone or ultimate_clone";
            case SynthesisRequest.CFG_VALUE -> "must be a number from " + MIN_CFG + " to " + MAX_CFG;
            case SynthesisRequest.INFERENCE_TIMESTEPS -> "must be an integer from 1 to " + MAX_TIMESTEPS;
            case SynthesisRequest.SEED -> "must be a positive integer (at most " + Long.MAX_VALUE + ")";
            default -> "must be an integer from 1 to " + MAX_LENGTH;
        };
    }

    private static String cfg(String v) {
        try {
            BigDecimal d = new BigDecimal(v);
            if (d.compareTo(MIN_CFG) < 0 || d.compareTo(MAX_CFG) > 0) {
                return null;
            }
            return d.stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String integer(String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            return n >= min && n <= max ? Long.toString(n) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
