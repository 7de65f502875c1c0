package io.voxcpm.text;

/**
 * Numbers as English words, for {@code say-as} expansion. US style: no "and" inside numbers
 * ("one hundred five"), hyphenated tens ("twenty-one"), short scale (billion = 10^9).
 */
public final class EnglishNumbers {

    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
        "ninety"};
    private static final String[] SCALES = {"", " thousand", " million", " billion", " trillion", " quadrillion",
        " quintillion"};

    private EnglishNumbers() {
    }

    /** {@code 1234} → "one thousand two hundred thirty-four"; negative numbers start with "minus". */
    public static String cardinal(long n) {
        if (n == 0) {
            return "zero";
        }
        if (n < 0) {
            // Long.MIN_VALUE has no positive twin: peel one group off first
            return "minus " + (n == Long.MIN_VALUE ? "nine quintillion " + cardinal(-(n + 9_000_000_000_000_000_000L))
                    : cardinal(-n));
        }
        StringBuilder out = new StringBuilder();
        long[] groups = new long[SCALES.length];
        int count = 0;
        for (long v = n; v > 0; v /= 1000) {
            groups[count++] = v % 1000;
        }
        for (int g = count - 1; g >= 0; g--) {
            if (groups[g] != 0) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(belowThousand((int) groups[g])).append(SCALES[g]);
            }
        }
        return out.toString();
    }

    /** {@code 21} → "twenty-first". */
    public static String ordinal(long n) {
        String words = cardinal(n);
        int cut = Math.max(words.lastIndexOf(' '), words.lastIndexOf('-')) + 1;
        String last = words.substring(cut);
        String head = words.substring(0, cut);
        String ord = switch (last) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth" : last + "th";
        };
        return head + ord;
    }

    /** A year the way it is read: 1999 "nineteen ninety-nine", 2005 "two thousand five", 2024 "twenty twenty-four". */
    public static String year(int y) {
        if (y <= 0 || y >= 10_000) {
            return cardinal(y);
        }
        int hi = y / 100;
        int lo = y % 100;
        if (y % 1000 < 10 && y >= 1000) {
            return cardinal(y); // 2000, 2005, 1005
        }
        if (hi == 0 || y < 1000 && lo == 0) {
            return cardinal(y);
        }
        if (lo == 0) {
            return belowThousand(hi) + " hundred";
        }
        return belowThousand(hi) + " " + (lo < 10 ? "oh " + ONES[lo] : belowThousand(lo));
    }

    /** One word per digit: "112" → "one one two". Non-digits are skipped. */
    public static String digits(CharSequence s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(ONES[c - '0']);
            }
        }
        return out.toString();
    }

    private static String belowThousand(int n) {
        StringBuilder out = new StringBuilder();
        if (n >= 100) {
            out.append(ONES[n / 100]).append(" hundred");
            n %= 100;
            if (n == 0) {
                return out.toString();
            }
            out.append(' ');
        }
        if (n < 20) {
            return out.append(ONES[n]).toString();
        }
        out.append(TENS[n / 10]);
        if (n % 10 != 0) {
            out.append('-').append(ONES[n % 10]);
        }
        return out.toString();
    }
}
