package io.voxcpm.engine;

import io.voxcpm.engine.SynthesisException.Reason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generation knobs of one request, checked once when made: an engine reads them and trusts them.
 * Null means "the engine's default". Numbers are kept canonical ({@code 2}, {@code 2.0} and
 * {@code 2.00} are one value) so equal requests make equal cache keys. Ranges: voxcpm-api.md §1.4 (the
 * VoxCPM CLI accepts cfg 0.1–10; the model's {@code max_len} is 4096 patches); 100 timesteps is far past
 * the point of diminishing returns (default 10).
 *
 * @param cfgValue           classifier-free guidance scale, 0.1 to 10 (model default 2.0)
 * @param inferenceTimesteps diffusion steps per patch, 1 to 100 (model default 10)
 * @param seed               random seed, positive (absent: unseeded)
 * @param maxLength          the most audio patches (160 ms each) to generate, 1 to 4096
 * @param rate               speaking rate as a multiplier ({@code 1.25}), to two decimals, for engines that
 *                           can change it; absent: normal
 */
public record GenerationParameters(BigDecimal cfgValue, Integer inferenceTimesteps, Long seed, Integer maxLength,
        BigDecimal rate) {

    /** Parameter names as clients write them (MRCP vendor parameters, SSML {@code vx:} attributes, config). */
    public static final String CFG_VALUE = "cfg_value";
    public static final String INFERENCE_TIMESTEPS = "inference_timesteps";
    public static final String SEED = "seed";
    public static final String MAX_LENGTH = "max_length";
    /** The name {@link #rate} has in a cache key; clients set a rate with Prosody-Rate or SSML, not by name. */
    public static final String RATE = "rate";

    public static final BigDecimal MIN_CFG = new BigDecimal("0.1");
    public static final BigDecimal MAX_CFG = BigDecimal.TEN;
    public static final int MAX_TIMESTEPS = 100;
    public static final int MAX_LENGTH_PATCHES = 4096;

    public static final GenerationParameters NONE = new GenerationParameters(null, null, null, null, null);

    /** @throws IllegalArgumentException naming the first value out of its range */
    public GenerationParameters {
        if (cfgValue != null) {
            check(cfgValue.compareTo(MIN_CFG) >= 0 && cfgValue.compareTo(MAX_CFG) <= 0, CFG_VALUE, cfgValue);
            cfgValue = canonical(cfgValue);
        }
        if (inferenceTimesteps != null) {
            check(inferenceTimesteps >= 1 && inferenceTimesteps <= MAX_TIMESTEPS, INFERENCE_TIMESTEPS, inferenceTimesteps);
        }
        if (seed != null) {
            check(seed >= 1, SEED, seed);
        }
        if (maxLength != null) {
            check(maxLength >= 1 && maxLength <= MAX_LENGTH_PATCHES, MAX_LENGTH, maxLength);
        }
        if (rate != null) {
            check(rate.signum() > 0, RATE, rate);
            rate = canonical(rate.setScale(2, RoundingMode.HALF_EVEN));
        }
    }

    /**
     * The knobs in {@code params} under the names clients write; a blank value means "not set", other
     * names (the mode, a cache policy, a voice description) are someone else's and ignored.
     *
     * @param source where the values came from, for the error message (e.g. {@code "SSML"})
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} naming the source, name, value and the rule
     */
    public static GenerationParameters parse(Map<String, String> params, String source) throws SynthesisException {
        String cfg = value(params, CFG_VALUE);
        String steps = value(params, INFERENCE_TIMESTEPS);
        String seed = value(params, SEED);
        String maxLength = value(params, MAX_LENGTH);
        return new GenerationParameters(
                cfg == null ? null : decimal(cfg, source, CFG_VALUE),
                steps == null ? null : (int) integer(steps, source, INFERENCE_TIMESTEPS, MAX_TIMESTEPS),
                seed == null ? null : integer(seed, source, SEED, Long.MAX_VALUE),
                maxLength == null ? null : (int) integer(maxLength, source, MAX_LENGTH, MAX_LENGTH_PATCHES),
                null);
    }

    /** These parameters with each one {@code over} sets replacing this one's. */
    public GenerationParameters overriddenBy(GenerationParameters over) {
        return new GenerationParameters(
                over.cfgValue != null ? over.cfgValue : cfgValue,
                over.inferenceTimesteps != null ? over.inferenceTimesteps : inferenceTimesteps,
                over.seed != null ? over.seed : seed,
                over.maxLength != null ? over.maxLength : maxLength,
                over.rate != null ? over.rate : rate);
    }

    public GenerationParameters withSeed(Long seed) {
        return new GenerationParameters(cfgValue, inferenceTimesteps, seed, maxLength, rate);
    }

    public GenerationParameters withRate(BigDecimal rate) {
        return new GenerationParameters(cfgValue, inferenceTimesteps, seed, maxLength, rate);
    }

    /** The set values under their parameter names, in canonical text: what a cache key and a log line hold. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, CFG_VALUE, cfgValue == null ? null : cfgValue.toPlainString());
        put(m, INFERENCE_TIMESTEPS, inferenceTimesteps);
        put(m, SEED, seed);
        put(m, MAX_LENGTH, maxLength);
        put(m, RATE, rate == null ? null : rate.toPlainString());
        return m;
    }

    /** The rule a parameter's value must follow, as error messages state it. */
    public static String rule(String name) {
        return switch (name) {
            case CFG_VALUE -> "must be a number from " + MIN_CFG + " to " + MAX_CFG;
            case INFERENCE_TIMESTEPS -> "must be an integer from 1 to " + MAX_TIMESTEPS;
            case SEED -> "must be a positive integer (at most " + Long.MAX_VALUE + ")";
            case MAX_LENGTH -> "must be an integer from 1 to " + MAX_LENGTH_PATCHES;
            default -> "must be a positive number";
        };
    }

    private static void check(boolean ok, String name, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(name + "='" + value + "': " + rule(name));
        }
    }

    private static BigDecimal canonical(BigDecimal d) {
        // toPlainString of 1E+1 is "10"; stripTrailingZeros alone would keep the exponent form for equals()
        return new BigDecimal(d.stripTrailingZeros().toPlainString());
    }

    private static String value(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static BigDecimal decimal(String v, String source, String name) throws SynthesisException {
        try {
            BigDecimal d = new BigDecimal(v);
            if (d.compareTo(MIN_CFG) >= 0 && d.compareTo(MAX_CFG) <= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below with the rule
        }
        throw invalid(source, name, v);
    }

    private static long integer(String v, String source, String name, long max) throws SynthesisException {
        try {
            long n = Long.parseLong(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the rule
        }
        throw invalid(source, name, v);
    }

    private static SynthesisException invalid(String source, String name, String v) {
        return new SynthesisException(Reason.INVALID_REQUEST, source + " " + name + "='" + v + "': " + rule(name));
    }

    private static void put(Map<String, String> m, String name, Object value) {
        if (value != null) {
            m.put(name, value.toString());
        }
    }
}
