package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, lenient reading of the synthesizer header fields (RFC 6787 §8.4) and the generic ones a synthesizer
 * uses. Lenient means: names in any case, values in any case, surrounding blanks ignored, unknown headers
 * left alone. A known header with a value outside its grammar is an {@link IllegalValue}, which the
 * channel answers with 404 (Illegal value for header field).
 */
final class HeaderValues {

    /** A header whose value breaks its grammar. */
    static final class IllegalValue extends Exception {
        private static final long serialVersionUID = 1L;
        final String header;
        final String value;

        IllegalValue(String header, String value, String expected) {
            super(header + ": '" + clip(value) + "' is not " + expected);
            this.header = header;
            this.value = value;
        }
    }

    /** A Jump-Size or Speak-Length: a signed amount of a unit, or a mark name ({@code <name> Tag}). */
    record SpeechLength(long amount, Unit unit, String tag) {
        enum Unit { SECOND, WORD, SENTENCE, PARAGRAPH, TAG }
    }

    /**
     * A value line longer than this is refused: UniMRCP reads header lines into a 1 KiB buffer and closes the
     * connection on a longer one, so a value we might echo (GET-PARAMS) must stay well below.
     */
    static final int MAX_ECHOED_VALUE_BYTES = 900;

    private static final Set<String> GENDERS = Set.of("male", "female", "neutral");
    private static final Set<String> VOLUME_WORDS = Set.of("silent", "x-soft", "soft", "medium", "loud", "x-loud",
            "default");
    private static final Set<String> RATE_WORDS = Set.of("x-slow", "slow", "medium", "fast", "x-fast", "default");
    private static final Set<String> FETCH_HINTS = Set.of("prefetch", "safe");
    private static final Set<String> AUDIO_FETCH_HINTS = Set.of("prefetch", "safe", "stream");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,19}(\\.\\d{1,19})?");
    private static final Pattern RELATIVE = Pattern.compile("[+-]?\\d{1,19}(\\.\\d{1,19})?(%|dB)",
            Pattern.CASE_INSENSITIVE);
    /** RFC 5646 in its loose shape: a primary subtag and up to a handful of further ones. */
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,7}");
    /** Nine digits: a billion seconds or words is more than any prompt, and any sum of them fits a long. */
    private static final Pattern SPEECH_LENGTH = Pattern.compile(
            "([+-]?)(\\d{1,9})\\s+(second|word|sentence|paragraph)s?", Pattern.CASE_INSENSITIVE);

    private HeaderValues() {
    }

    /**
     * Checks every known header of a request; the first illegal one is thrown. Called before a request
     * changes anything, so a 404 leaves the channel as it was.
     */
    static void check(MrcpHeaders headers) throws IllegalValue {
        for (MrcpHeader h : headers.entries()) {
            String v = h.value().strip();
            String name = h.name();
            if (is(name, MrcpHeaderNames.VOICE_AGE)) {
                integer(name, v, 0, 999);
            } else if (is(name, MrcpHeaderNames.VOICE_VARIANT)) {
                integer(name, v, 0, Integer.MAX_VALUE);
            } else if (is(name, MrcpHeaderNames.VOICE_GENDER)) {
                oneOf(name, v, GENDERS);
            } else if (is(name, MrcpHeaderNames.KILL_ON_BARGE_IN) || is(name, MrcpHeaderNames.LOAD_LEXICON)
                    || is(name, MrcpHeaderNames.SPEAK_RESTART)) {
                bool(name, v);
            } else if (is(name, MrcpHeaderNames.PROSODY_VOLUME)) {
                prosody(name, v, VOLUME_WORDS);
            } else if (is(name, MrcpHeaderNames.PROSODY_RATE)) {
                prosody(name, v, RATE_WORDS);
            } else if (is(name, MrcpHeaderNames.SPEECH_LANGUAGE)) {
                language(name, v);
            } else if (is(name, MrcpHeaderNames.JUMP_SIZE) || is(name, MrcpHeaderNames.SPEAK_LENGTH)) {
                speechLength(name, v);
            } else if (is(name, MrcpHeaderNames.FETCH_HINT)) {
                oneOf(name, v, FETCH_HINTS);
            } else if (is(name, MrcpHeaderNames.AUDIO_FETCH_HINT)) {
                oneOf(name, v, AUDIO_FETCH_HINTS);
            } else if (is(name, MrcpHeaderNames.FETCH_TIMEOUT)) {
                integer(name, v, 0, Integer.MAX_VALUE);
            }
        }
    }

    static boolean is(String name, String known) {
        return name.equalsIgnoreCase(known);
    }

    static int integer(String header, String value, int min, int max) throws IllegalValue {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalValue(header, value, "an integer in " + min + ".." + max);
    }

    static boolean bool(String header, String value) throws IllegalValue {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalValue(header, value, "true or false");
        };
    }

    private static void oneOf(String header, String value, Set<String> allowed) throws IllegalValue {
        if (!allowed.contains(value.strip().toLowerCase(Locale.ROOT))) {
            throw new IllegalValue(header, value, "one of " + allowed);
        }
    }

    private static void prosody(String header, String value, Set<String> words) throws IllegalValue {
        String v = value.strip();
        if (!words.contains(v.toLowerCase(Locale.ROOT)) && !NUMBER.matcher(v).matches()
                && !RELATIVE.matcher(v).matches()) {
            throw new IllegalValue(header, value, "a word of " + words + ", a number or a relative change (+10%, -3dB)");
        }
    }

    static String language(String header, String value) throws IllegalValue {
        String v = value.strip();
        if (!LANGUAGE.matcher(v).matches()) {
            throw new IllegalValue(header, value, "an RFC 5646 language tag such as en-US");
        }
        return v;
    }

    static SpeechLength speechLength(String header, String value) throws IllegalValue {
        String v = value.strip();
        var m = SPEECH_LENGTH.matcher(v);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(2)) * (m.group(1).equals("-") ? -1 : 1);
            SpeechLength.Unit unit = SpeechLength.Unit.valueOf(m.group(3).toUpperCase(Locale.ROOT));
            return new SpeechLength(amount, unit, null);
        }
        // "<mark> Tag", read without a regex: a lazy group before \s+ backtracks quadratically on long blanks
        if (v.length() > 4 && v.regionMatches(true, v.length() - 3, "tag", 0, 3)
                && Character.isWhitespace(v.charAt(v.length() - 4))) {
            String mark = v.substring(0, v.length() - 3).strip();
            if (!mark.isEmpty()) {
                return new SpeechLength(0, SpeechLength.Unit.TAG, mark);
            }
        }
        throw new IllegalValue(header, value, "'+/-N Second|Word|Sentence|Paragraph' or '<mark> Tag'");
    }

    /**
     * {@code name=value;name=value} as FreeSWITCH writes it (names lower-cased, quotes around a value
     * dropped); pieces without '=' are skipped, as UniMRCP does.
     */
    static Map<String, String> vendorParameters(MrcpHeaders headers) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String value : headers.getAll(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
            for (String pair : value.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                    String v = pair.substring(eq + 1).strip();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    parameters.put(name, v);
                }
            }
        }
        return parameters;
    }

    static boolean fitsOneLine(String name, String value) {
        return (name + ": " + value).getBytes(StandardCharsets.UTF_8).length <= MAX_ECHOED_VALUE_BYTES;
    }

    static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
