package io.voxcpm.voice;

import io.voxcpm.engine.GenerationParameters;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-voice generation parameters; each is optional and, when set, overrides the server default
 * (requests and SSML override it in turn). Ranges are those VoxCPM2's own CLI accepts.
 *
 * @param cfgValue           classifier-free guidance scale, 0.1-10 (model default 2.0)
 * @param inferenceTimesteps diffusion steps per patch, 1-100 (model default 10)
 * @param seed               random seed, for repeatable output where the model supports it
 * @param language           RFC 5646 tag such as {@code en-US}
 */
public record GenerationDefaults(Double cfgValue, Integer inferenceTimesteps, Long seed, String language) {

    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, null);

    /** Parameter names as clients and voice files write them. */
    public static final String CFG_VALUE = GenerationParameters.CFG_VALUE;
    public static final String INFERENCE_TIMESTEPS = GenerationParameters.INFERENCE_TIMESTEPS;
    public static final String SEED = GenerationParameters.SEED;

    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    public Optional<String> languageIfSet() {
        return Optional.ofNullable(language);
    }

    /** The set parameters keyed as engine request parameters (language is carried separately). */
    public Map<String, String> toParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        if (cfgValue != null) {
            p.put(CFG_VALUE, cfgValue.toString());
        }
        if (inferenceTimesteps != null) {
            p.put(INFERENCE_TIMESTEPS, inferenceTimesteps.toString());
        }
        if (seed != null) {
            p.put(SEED, seed.toString());
        }
        return Map.copyOf(p);
    }

    /** The set parameters as an engine request carries them; seed 0 means unseeded there. */
    public GenerationParameters toGeneration() {
        return new GenerationParameters(cfgValue == null ? null : BigDecimal.valueOf(cfgValue), inferenceTimesteps,
                seed == null || seed == 0 ? null : seed, null, null);
    }

    void validate() throws InvalidVoiceException {
        if (cfgValue != null && !(cfgValue >= 0.1 && cfgValue <= 10.0)) {
            throw new InvalidVoiceException("cfg value " + cfgValue + " is out of range: use 0.1-10 (1.0-3.0 is typical, 2.0 the default)");
        }
        if (inferenceTimesteps != null && (inferenceTimesteps < 1 || inferenceTimesteps > 100)) {
            throw new InvalidVoiceException("inference timesteps " + inferenceTimesteps + " is out of range: use 1-100 (4-30 is typical, 10 the default)");
        }
        if (seed != null && seed < 0) {
            throw new InvalidVoiceException("seed " + seed + " is negative: use 0 or a positive number");
        }
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw new InvalidVoiceException("language '" + language + "' is not a language tag: use e.g. en-US, zh-CN or de");
        }
    }
}
