package io.voxcpm.embedded;

import java.util.Locale;

/**
 * A speaking rate as a multiplier of the voice's normal rate (1.0 = normal, 2.0 = twice as fast), held
 * to what MaryTTS can do. The planner has read the client's form (keyword, number, percentage) already.
 */
record SpeechRate(double multiplier) {

    static final SpeechRate NORMAL = new SpeechRate(1.0);
    /** MaryTTS stops slowing down at about -40 %; faster than 2x is no longer intelligible. */
    static final double MIN = 0.5;
    static final double MAX = 2.0;

    SpeechRate {
        multiplier = Math.max(MIN, Math.min(MAX, multiplier));
    }

    boolean isNormal() {
        return Math.abs(multiplier - 1.0) < 0.005;
    }

    /** As an SSML relative change, the form MaryTTS' SSML reader handles best, e.g. {@code +25%}. */
    String toSsml() {
        return String.format(Locale.ROOT, "%+d%%", Math.round((multiplier - 1) * 100));
    }
}
