package io.voxcpm.request;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.regex.Pattern;

/**
 * Voice descriptions for VoxCPM2's design prefix: built from a gender and an age when nothing better
 * was given, and cleaned when they come from a client.
 *
 * <p>The wording follows the style of VoxCPM2's own examples ("A young woman, gentle and sweet voice"):
 * a short noun phrase the model was trained on.
 * <pre>
 *   age     female                          male                          neutral / not given
 *   0-12    A young girl                    A young boy                   A young child
 *   13-19   A teenage girl                  A teenage boy                 A teenager
 *   20-29   A young woman in her twenties   A young man in his twenties   A young adult in their twenties
 *   30-59   A woman in her thirties ..      A man in his thirties ..      A person in their thirties ..
 *   60-69   An older woman in her sixties   An older man in his sixties   An older person in their sixties
 *   70-99   An elderly woman in her seventies, eighties, nineties (likewise for men and persons)
 *   100+    An elderly woman                An elderly man                An elderly person
 *   none    A female voice                  A male voice                  A gender-neutral voice (neutral only)
 * </pre>
 * With gender {@code neutral} and an age, {@code ", gender-neutral voice"} follows.
 */
final class VoiceDescriptions {

    /** Longer than any useful description; a long prefix costs prefill time on every request. */
    static final int MAX_LENGTH = 300;

    private static final String[] DECADES = {"", "", "twenties", "thirties", "forties", "fifties", "sixties",
        "seventies", "eighties", "nineties"};
    /** The description becomes a "(...)" prefix: stray parentheses would end it early or be read aloud. */
    private static final Pattern PARENS = Pattern.compile("[()（）]");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private VoiceDescriptions() {
    }

    /** A description from {@code gender} and {@code age}, or null when neither is given. */
    static String describe(String gender, Integer age) {
        String g = gender == null ? "" : gender;
        if (age == null) {
            return switch (g) {
                case "female" -> "A female voice";
                case "male" -> "A male voice";
                case "neutral" -> "A gender-neutral voice";
                default -> null;
            };
        }
        int a = age;
        String phrase;
        if (a < 13) {
            phrase = "A young " + pick(g, "girl", "boy", "child");
        } else if (a < 20) {
            phrase = pick(g, "A teenage girl", "A teenage boy", "A teenager");
        } else {
            String who = pick(g, "woman", "man", a < 30 ? "adult" : "person");
            String their = pick(g, "her", "his", "their");
            String adjective = a < 30 ? "A young " : a < 60 ? "A " : a < 70 ? "An older " : "An elderly ";
            phrase = adjective + who + (a < 100 ? " in " + their + " " + DECADES[a / 10] : "");
        }
        return g.equals("neutral") ? phrase + ", gender-neutral voice" : phrase;
    }

    /**
     * {@code text} fit to be a design prefix: parentheses removed, whitespace collapsed; null when
     * null or blank.
     *
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} when longer than {@value #MAX_LENGTH} chars
     */
    static String clean(String text) throws SynthesisException {
        if (text == null) {
            return null;
        }
        String t = SPACES.matcher(PARENS.matcher(text).replaceAll(" ")).replaceAll(" ").strip();
        if (t.length() > MAX_LENGTH) {
            throw new SynthesisException(Reason.INVALID_REQUEST,
                    "voice description of " + t.length() + " chars is longer than " + MAX_LENGTH);
        }
        return t.isEmpty() ? null : t;
    }

    private static String pick(String gender, String female, String male, String other) {
        return switch (gender) {
            case "female" -> female;
            case "male" -> male;
            default -> other;
        };
    }
}
