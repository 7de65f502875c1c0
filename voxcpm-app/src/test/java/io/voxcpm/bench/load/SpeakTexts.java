package io.voxcpm.bench.load;

/**
 * What each session of a run SPEAKs. By default every session says the same text, so all but the first SPEAK
 * hit the prompt cache (the call-centre case). With a run tag every session's text is its own: each SPEAK is a
 * cache miss that the engine must synthesize, which is what a streaming engine's first-packet latency needs.
 * The tag leads the text, inside its first sentence, so the engine's first request carries it and a capture
 * of the engine's traffic can be matched to the session that caused it ({@link #sessionOf}).
 */
record SpeakTexts(String text, String run) {

    /** The same text for every session. */
    static SpeakTexts same(String text) {
        return new SpeakTexts(text, null);
    }

    /**
     * A distinct text per session, tagged with {@code run}: runs against one server need different tags
     * (the warm-up's texts must not warm the measured run's cache entries), so take one from the clock.
     */
    static SpeakTexts unique(String text, String run) {
        if (run.isEmpty() || !run.chars().allMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException("run tag must be letters and digits: '" + run + "'");
        }
        return new SpeakTexts(text, run);
    }

    /** A run tag for a run that starts now: base-36 milliseconds, distinct from any earlier run's. */
    static String runTagNow(String kind) {
        return kind + Long.toString(System.currentTimeMillis(), 36);
    }

    boolean distinct() {
        return run != null;
    }

    String of(int session) {
        return run == null ? text : prefix() + session + ": " + text;
    }

    /** The session whose text {@code haystack} contains, or -1: reads the tag back out of any bytes carrying it. */
    int sessionOf(String haystack) {
        if (run == null) {
            return -1;
        }
        int at = haystack.indexOf(prefix());
        if (at < 0) {
            return -1;
        }
        int from = at + prefix().length();
        int to = from;
        while (to < haystack.length() && Character.isDigit(haystack.charAt(to))) {
            to++;
        }
        return to > from && to < haystack.length() && haystack.charAt(to) == ':'
                ? Integer.parseInt(haystack.substring(from, to)) : -1;
    }

    private String prefix() {
        return "Ticket " + run + "-";
    }
}
