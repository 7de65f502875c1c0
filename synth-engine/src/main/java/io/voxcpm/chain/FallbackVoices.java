package io.voxcpm.chain;

import java.util.Locale;
import java.util.Optional;

/**
 * What a fallback engine may do with a request whose voice or mode only an engine before it can produce
 * (a registered clone, a designed voice): it is the operator's choice between a prompt in the wrong voice
 * and no prompt at all.
 */
public enum FallbackVoices {
    /** Speak it in the fallback's own voice: never dead air. */
    ANY("any"),
    /** Fail the request with a reason that says so: a brand voice is never replaced. */
    DEFAULT_ONLY("default-only");

    private final String value;

    FallbackVoices(String value) {
        this.value = value;
    }

    /** The configuration spelling: {@code any} or {@code default-only}. */
    public String value() {
        return value;
    }

    public static Optional<FallbackVoices> parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (FallbackVoices f : values()) {
            if (f.value.equals(v)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
