package io.voxcpm.ssml;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Effective prosody at a point of a document, after nesting.
 *
 * @param rate     speaking rate as a multiplier of the voice's normal rate (1.0 = normal)
 * @param volumeDb gain in dB relative to the engine's level (0 = unchanged, negative infinity = silent)
 * @param pitch    the innermost SSML {@code pitch} value, verbatim; a hint no engine applies today; null if none
 */
public record Prosody(double rate, double volumeDb, String pitch) {

    public static final Prosody NORMAL = new Prosody(1.0, 0.0, null);

    /** Beyond these a voice stops being intelligible (rate) or only clips (volume). */
    public static final double MIN_RATE = 0.25;
    public static final double MAX_RATE = 4.0;
    public static final double MAX_VOLUME_DB = 12.0;

    private static final Map<String, Double> RATES = Map.of(
            "x-slow", 0.6, "slow", 0.8, "medium", 1.0, "default", 1.0, "fast", 1.25, "x-fast", 1.5);
    private static final Map<String, Double> VOLUMES = Map.of(
            "silent", Double.NEGATIVE_INFINITY, "x-soft", -12.0, "soft", -6.0, "medium", 0.0, "default", 0.0,
            "loud", 4.0, "x-loud", 8.0);
    private static final Pattern NUMBER = Pattern.compile("[0-9]*\\.?[0-9]+");
    private static final Pattern PERCENT = Pattern.compile("([+-]?)([0-9]*\\.?[0-9]+)%");
    private static final Pattern DB = Pattern.compile("([+-])([0-9]*\\.?[0-9]+)dB");

    public Prosody {
        rate = Math.max(MIN_RATE, Math.min(MAX_RATE, rate));
        volumeDb = Math.min(MAX_VOLUME_DB, volumeDb);
    }

    /**
     * This prosody changed by an SSML {@code rate} value: a keyword ({@code x-slow}..{@code x-fast},
     * {@code default}), a bare multiplier ({@code 0.8}), an absolute percentage of the normal rate
     * ({@code 120%}) or a relative change of the current rate ({@code +20%}, {@code -10%}).
     *
     * @throws IllegalArgumentException when the value is none of these
     */
    public Prosody withRate(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Double keyword = RATES.get(v);
        double r;
        if (keyword != null) {
            r = keyword;
        } else if (NUMBER.matcher(v).matches()) {
            r = Double.parseDouble(v);
        } else {
            var m = PERCENT.matcher(v);
            if (!m.matches()) {
                throw new IllegalArgumentException("rate '" + value + "' is not a keyword, number or percentage");
            }
            double n = Double.parseDouble(m.group(2)) / 100;
            r = switch (m.group(1)) {
                case "+" -> rate * (1 + n);
                case "-" -> rate * (1 - n);
                default -> n;
            };
        }
        if (!(r > 0)) {
            throw new IllegalArgumentException("rate '" + value + "' is not positive");
        }
        return new Prosody(r, volumeDb, pitch);
    }

    /**
     * This prosody changed by an SSML {@code volume} value: a keyword ({@code silent}, {@code x-soft}..
     * {@code x-loud}, {@code default}), a relative change in dB ({@code +6dB}, {@code -3dB}) or an
     * absolute level 0–100 (100 = the engine's level).
     *
     * @throws IllegalArgumentException when the value is none of these
     */
    public Prosody withVolume(String value) {
        String v = value.trim();
        Double keyword = VOLUMES.get(v.toLowerCase(Locale.ROOT));
        double db;
        if (keyword != null) {
            db = keyword;
        } else if (NUMBER.matcher(v).matches()) {
            double level = Double.parseDouble(v);
            if (level > 100) {
                throw new IllegalArgumentException("volume '" + value + "' is above 100");
            }
            db = level == 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(level / 100);
        } else {
            var m = DB.matcher(v);
            if (!m.matches()) {
                throw new IllegalArgumentException("volume '" + value + "' is not a keyword, level or dB change");
            }
            double d = Double.parseDouble(m.group(2));
            db = volumeDb + (m.group(1).equals("-") ? -d : d);
        }
        return new Prosody(rate, db, pitch);
    }

    public Prosody withPitch(String value) {
        return new Prosody(rate, volumeDb, value.trim());
    }

    /** The linear factor to scale samples by; 0 for silent. */
    public double gain() {
        return Math.pow(10, volumeDb / 20);
    }

    public boolean isNormalRate() {
        return Math.abs(rate - 1.0) < 0.005;
    }
}
