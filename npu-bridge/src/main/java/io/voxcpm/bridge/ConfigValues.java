package io.voxcpm.bridge;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Reads typed values from a flat string map, naming the key in every error. */
final class ConfigValues {

    private final Map<String, String> props;

    ConfigValues(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    String string(String key, String fallback) {
        String v = props.get(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    int positiveInt(String key, int fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n <= 0) {
                throw new IllegalArgumentException(key + " must be positive, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not an integer: " + v, e);
        }
    }

    Duration duration(String key, Duration fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        Duration d = parseDuration(key, v);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + v);
        }
        return d;
    }

    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 such as {@code PT2S}. */
    static Duration parseDuration(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(value.trim());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1).trim());
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException("no unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " is not a duration (use 250ms, 2s, 5m or PT2S): " + value, e);
        }
    }
}
