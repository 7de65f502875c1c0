package io.voxcpm.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits plain text into sentence-sized segments for engines that synthesise one segment at a time,
 * so the first audio can leave as soon as the first sentence is rendered.
 *
 * <p>Rules, chosen for short telephony prompts rather than linguistic perfection:
 * <ul>
 *   <li>{@code . ! ? …} (and runs such as {@code ?!} or {@code ...}), optionally followed by closing
 *       quotes or brackets, end a sentence when whitespace or the end of text follows. So decimals
 *       ({@code 3.14}), host names and {@code e.g.} inner dots never split.</li>
 *   <li>A period or ellipsis followed by a lower-case word does not end a sentence ({@code "the U.S. army"}).
 *       Titles ({@code Mr. Dr.}), {@code e.g. i.e. vs.} and single-letter initials never end one;
 *       {@code etc. a.m. Inc.} end one only before an upper-case word.</li>
 *   <li>CJK {@code 。！？} (and full-width {@code ．！？}) end a sentence without needing whitespace.</li>
 *   <li>A blank line always ends a segment; a single line break ends one unless the next line starts
 *       with a lower-case letter (a hard-wrapped sentence).</li>
 *   <li>A segment longer than the maximum is cut at the last {@code ; :} or else {@code , 、 —} within the limit,
 *       else at the last space, else hard at the limit.</li>
 *   <li>Segments are trimmed; those without any letter or digit are dropped (nothing to say).</li>
 * </ul>
 * Instances are immutable and thread-safe.
 */
public final class SentenceSplitter {

    public static final int DEFAULT_MAX_LENGTH = 300;

    private static final Set<String> NEVER_FINAL = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "rev", "gen", "col", "capt", "lt", "sgt",
            "gov", "sen", "rep", "hon", "no", "nos", "vol", "fig", "ca", "cf", "vs", "e.g", "i.e", "approx", "dept");
    private static final Set<String> FINAL_BEFORE_CAPITAL = Set.of(
            "etc", "a.m", "p.m", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
            "sep", "sept", "oct", "nov", "dec", "u.s", "u.k");

    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}]+");

    private final int maxLength;

    public SentenceSplitter() {
        this(DEFAULT_MAX_LENGTH);
    }

    /** @param maxLength the longest segment, in chars (UTF-16 units); at least 20 */
    public SentenceSplitter(int maxLength) {
        if (maxLength < 20) {
            throw new IllegalArgumentException("maxLength must be at least 20: " + maxLength);
        }
        this.maxLength = maxLength;
    }

    public int maxLength() {
        return maxLength;
    }

    /** The segments of {@code text} in order; empty when there is nothing to say. */
    public List<String> split(CharSequence text) {
        String s = text.toString();
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int end = -1; // exclusive end of a sentence found at i
            if (c == '\n' || c == '\r') {
                if (isLineBoundary(s, i)) {
                    end = i;
                }
                i++;
            } else if (isCjkTerminal(c)) {
                int j = skipClosers(s, skipRun(s, i));
                end = j;
                i = j;
            } else if (isTerminal(c)) {
                int runEnd = skipRun(s, i);
                int j = skipClosers(s, runEnd);
                if ((j == s.length() || isSpace(s.charAt(j))) && endsSentence(s, i, runEnd, j)) {
                    end = j;
                }
                i = j;
            } else {
                i++;
            }
            if (end >= 0) {
                emit(s.substring(start, end), out);
                start = i;
            }
        }
        emit(s.substring(start), out);
        return List.copyOf(out);
    }

    private boolean endsSentence(String s, int at, int runEnd, int afterClosers) {
        boolean periodLike = s.charAt(at) == '.' || s.charAt(at) == '…';
        if (!periodLike) {
            return true; // ! and ? always end a sentence
        }
        char next = nextNonSpace(s, afterClosers);
        if (Character.isLowerCase(next)) {
            return false;
        }
        if (runEnd - at > 1 || s.charAt(at) == '…' || runEnd != afterClosers) {
            return true; // an ellipsis or a closed quote before a capital
        }
        String word = wordBefore(s, at).toLowerCase(Locale.ROOT);
        if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
            return false; // an initial: "J. Smith"
        }
        if (NEVER_FINAL.contains(word)) {
            return false;
        }
        if (FINAL_BEFORE_CAPITAL.contains(word)) {
            return Character.isUpperCase(next) || next == 0;
        }
        return true;
    }

    /** A line break ends a segment unless it only wraps a sentence that goes on in lower case. */
    private static boolean isLineBoundary(String s, int i) {
        int j = i + 1;
        if (s.charAt(i) == '\r' && j < s.length() && s.charAt(j) == '\n') {
            j++;
        }
        while (j < s.length() && s.charAt(j) != '\n' && s.charAt(j) != '\r' && isSpace(s.charAt(j))) {
            j++;
        }
        if (j < s.length() && (s.charAt(j) == '\n' || s.charAt(j) == '\r')) {
            return true; // blank line: a paragraph
        }
        return j < s.length() && !Character.isLowerCase(s.charAt(j));
    }

    /** The letters and inner dots before a period, e.g. {@code e.g} for {@code "e.g."}. */
    private static String wordBefore(String s, int at) {
        int b = at;
        while (b > 0 && (Character.isLetterOrDigit(s.charAt(b - 1)) || s.charAt(b - 1) == '.')) {
            b--;
        }
        return s.substring(b, at);
    }

    private void emit(String segment, List<String> out) {
        String t = WHITESPACE.matcher(segment).replaceAll(" ").strip();
        if (t.codePoints().noneMatch(SentenceSplitter::isSpoken)) {
            return;
        }
        while (t.length() > maxLength) {
            int cut = cutPoint(t);
            String head = t.substring(0, cut).strip();
            if (head.codePoints().anyMatch(SentenceSplitter::isSpoken)) {
                out.add(head);
            }
            t = t.substring(cut).strip();
        }
        if (t.codePoints().anyMatch(SentenceSplitter::isSpoken)) {
            out.add(t);
        }
    }

    /** Where to cut an over-long segment: just after a clause mark, else at a space, else at the limit. */
    private int cutPoint(String t) {
        int min = maxLength / 3; // don't leave a tiny head that would sound like a stutter
        for (String marks : new String[] {";:；：", ",，、—–"}) {
            for (int k = maxLength - 1; k >= min; k--) {
                if (marks.indexOf(t.charAt(k)) >= 0 && (k + 1 == t.length() || isSpace(t.charAt(k + 1))
                        || t.charAt(k) > 0x2000)) {
                    return k + 1;
                }
            }
        }
        for (int k = maxLength; k >= min; k--) {
            if (isSpace(t.charAt(k))) {
                return k;
            }
        }
        return Character.isLowSurrogate(t.charAt(maxLength)) ? maxLength - 1 : maxLength;
    }

    private static int skipRun(String s, int i) {
        int j = i;
        while (j < s.length() && (isTerminal(s.charAt(j)) || isCjkTerminal(s.charAt(j)))) {
            j++;
        }
        return j;
    }

    private static int skipClosers(String s, int i) {
        int j = i;
        while (j < s.length() && "\"')]}»”’」』）】".indexOf(s.charAt(j)) >= 0) {
            j++;
        }
        return j;
    }

    private static char nextNonSpace(String s, int i) {
        int j = i;
        while (j < s.length() && isSpace(s.charAt(j))) {
            j++;
        }
        if (j < s.length() && "\"'(“‘«".indexOf(s.charAt(j)) >= 0) {
            j++;
        }
        return j < s.length() ? s.charAt(j) : 0;
    }

    private static boolean isTerminal(char c) {
        return c == '.' || c == '!' || c == '?' || c == '…';
    }

    private static boolean isCjkTerminal(char c) {
        return c == '。' || c == '！' || c == '？' || c == '．';
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** Letters and every kind of number (², ½, Ⅻ too): a segment without any has nothing to say. */
    private static boolean isSpoken(int codePoint) {
        if (Character.isLetter(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }
}
