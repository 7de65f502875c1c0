package io.voxcpm.embedded;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A speaking rate as a multiplier of the voice's normal rate (1.0 = normal, 2.0 = twice as fast), read
 * from the forms MRCP's {@code Prosody-Rate} and SSML's {@code prosody rate} use: a keyword
 * ({@code x-slow} .. {@code x-fast}, {@code default}), a bare number ({@code 0.8}, a multiplier), or a
 * percentage ({@code +20%}, {@code -10%} relative; {@code 120%} absolute).
 */
record SpeechRate(double multiplier) {

    static final SpeechRate NORMAL = new SpeechRate(1.0);
    /** MaryTTS stops slowing down at about -40 %; faster than 2x is no longer intelligible. */
    static final double MIN = 0.5;
    static final double MAX = 2.0;

    private static final Map<String, Double> KEYWORDS = Map.of(
            "x-slow", 0.6, "slow", 0.8, "medium", 1.0, "default", 1.0, "fast", 1.25, "x-fast", 1.5);
    private static final Pattern NUMBER = Pattern.compile("[0-9]*\\.?[0-9]+");
    private static final Pattern PERCENT = Pattern.compile("([+-]?)([0-9]*\\.?[0-9]+)%");

    SpeechRate {
        multiplier = Math.max(MIN, Math.min(MAX, multiplier));
    }

    /** The rate in {@code value}, or empty when it is not a rate this parser knows. */
    static Optional<SpeechRate> parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Double keyword = KEYWORDS.get(v);
        if (keyword != null) {
            return Optional.of(new SpeechRate(keyword));
        }
        if (NUMBER.matcher(v).matches()) {
            double m = Double.parseDouble(v);
            return m > 0 ? Optional.of(new SpeechRate(m)) : Optional.empty();
        }
        var p = PERCENT.matcher(v);
        if (p.matches()) {
            double n = Double.parseDouble(p.group(2)) / 100;
            double m = switch (p.group(1)) {
                case "+" -> 1 + n;
                case "-" -> 1 - n;
                default -> n;
            };
            return m > 0 ? Optional.of(new SpeechRate(m)) : Optional.empty();
        }
        return Optional.empty();
    }

    boolean isNormal() {
        return Math.abs(multiplier - 1.0) < 0.005;
    }

    /** As an SSML relative change, the form MaryTTS' SSML reader handles best, e.g. {@code +25%}. */
    String toSsml() {
        return String.format(Locale.ROOT, "%+d%%", Math.round((multiplier - 1) * 100));
    }
}
