package io.voxcpm.ssml;

import io.voxcpm.text.EnglishNumbers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code <say-as>} expanded to English words. Text in another language, an {@code interpret-as} not
 * listed here, or content that does not fit the type is kept as written: reading it verbatim is the
 * safest failure for a prompt.
 */
final class SayAs {

    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,3}(,[0-9]{3})+|[+-]?[0-9]{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("([+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,18}))\\.([0-9]+)");
    private static final Pattern ORDINAL = Pattern.compile("([0-9]{1,18})(st|nd|rd|th)?\\.?", Pattern.CASE_INSENSITIVE);
    private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}");
    private static final Pattern FIELDS = Pattern.compile("[0-9]+");
    private static final Pattern FORMAT = Pattern.compile("[dmy]{1,3}");
    private static final Pattern MONEY = Pattern.compile(
            "([A-Za-z]{3}|[$€£¥])?\\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,15})(?:\\.([0-9]{1,2}))?\\s*([A-Za-z]{3}|[$€£¥])?");

    /** Currency code → singular/plural unit and sub-unit. */
    private record Currency(String one, String many, String centOne, String centMany) {
    }

    private static final Map<String, Currency> CURRENCIES = Map.of(
            "USD", new Currency("dollar", "dollars", "cent", "cents"),
            "EUR", new Currency("euro", "euros", "cent", "cents"),
            "GBP", new Currency("pound", "pounds", "penny", "pence"),
            "JPY", new Currency("yen", "yen", "sen", "sen"),
            "CAD", new Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
            "AUD", new Currency("Australian dollar", "Australian dollars", "cent", "cents"),
            "CHF", new Currency("Swiss franc", "Swiss francs", "centime", "centimes"));
    private static final Map<String, String> SYMBOLS = Map.of("$", "USD", "€", "EUR", "£", "GBP", "¥", "JPY");

    private SayAs() {
    }

    static boolean isEnglish(String language) {
        return language == null || language.toLowerCase(Locale.ROOT).startsWith("en");
    }

    /**
     * @param interpretAs the {@code interpret-as} attribute
     * @param format      the {@code format} attribute, or null
     * @param text        the element's text
     * @param language    the language in effect, or null
     */
    static String expand(String interpretAs, String format, String text, String language) {
        String t = text.strip();
        if (!isEnglish(language) || t.isEmpty()) {
            return text;
        }
        String kind = interpretAs.trim().toLowerCase(Locale.ROOT);
        String f = format == null ? null : format.trim().toLowerCase(Locale.ROOT);
        if (kind.equals("number") && f != null) {
            kind = f; // SSML 1.0 style: interpret-as="number" format="ordinal|digits|telephone"
        }
        String out = switch (kind) {
            case "digits" -> t.chars().anyMatch(Character::isDigit) ? spell(t) : null;
            case "characters", "spell-out", "letters" -> spell(t);
            case "telephone" -> telephone(t);
            case "cardinal", "number" -> cardinal(t);
            case "ordinal" -> ordinal(t);
            case "date" -> date(t, f, language);
            case "currency" -> currency(t, f);
            default -> null;
        };
        return out == null ? text : out;
    }

    /** Each character on its own: letters as capitals (read as letter names), digits as words. */
    private static String spell(String t) {
        List<String> words = new ArrayList<>();
        t.codePoints().forEach(cp -> {
            if (cp >= '0' && cp <= '9') {
                words.add(EnglishNumbers.digits(String.valueOf((char) cp)));
            } else if (Character.isLetter(cp)) {
                words.add(new String(Character.toChars(Character.toUpperCase(cp))));
            }
        });
        return words.isEmpty() ? null : String.join(" ", words);
    }

    /** Digit groups read digit by digit, a comma between groups so the listener hears the grouping. */
    private static String telephone(String t) {
        List<String> groups = new ArrayList<>();
        if (t.startsWith("+")) {
            groups.add("plus");
        }
        Matcher m = FIELDS.matcher(t);
        while (m.find()) {
            groups.add(EnglishNumbers.digits(m.group()));
        }
        if (groups.isEmpty() || groups.size() == 1 && groups.get(0).equals("plus")) {
            return null;
        }
        String joined = String.join(", ", groups);
        return joined.replace("plus, ", "plus ");
    }

    private static String cardinal(String t) {
        if (INTEGER.matcher(t).matches()) {
            return number(t.replace(",", "").replace("+", ""));
        }
        Matcher d = DECIMAL.matcher(t);
        if (d.matches()) {
            String whole = d.group(1).replace(",", "").replace("+", "");
            String sign = whole.startsWith("-") ? "minus " : "";
            return sign + number(whole.replace("-", "")) + " point " + EnglishNumbers.digits(d.group(2));
        }
        return null;
    }

    /**
     * A signed run of digits in words; one past {@code long}'s range (the grouped form has no length limit)
     * is read digit by digit, as a number that long is an identifier rather than a quantity.
     */
    private static String number(String signedDigits) {
        if (fitsLong(signedDigits)) {
            return EnglishNumbers.cardinal(Long.parseLong(signedDigits));
        }
        return (signedDigits.startsWith("-") ? "minus " : "") + EnglishNumbers.digits(signedDigits);
    }

    private static boolean fitsLong(String signedDigits) {
        return new BigInteger(signedDigits).bitLength() < Long.SIZE;
    }

    private static String ordinal(String t) {
        Matcher m = ORDINAL.matcher(t);
        return m.matches() ? EnglishNumbers.ordinal(Long.parseLong(m.group(1))) : null;
    }

    /**
     * A date in the order {@code format} gives ({@code ymd}, {@code mdy}, {@code dmy}, {@code ym},
     * {@code md}, {@code y}, ...); without one, {@code 2024-03-05} is ISO and anything else is read
     * month-first in US English and day-first in other English.
     */
    private static String date(String t, String format, String language) {
        String order = format;
        if (order == null) {
            boolean us = language == null || language.equalsIgnoreCase("en") || language.equalsIgnoreCase("en-us");
            order = ISO_DATE.matcher(t).matches() ? "ymd" : us ? "mdy" : "dmy";
        }
        if (!FORMAT.matcher(order).matches()) {
            return null;
        }
        List<Integer> fields = new ArrayList<>();
        Matcher m = FIELDS.matcher(t);
        while (m.find()) {
            if (m.group().length() > 4) {
                return null;
            }
            fields.add(Integer.parseInt(m.group()));
        }
        if (fields.size() != order.length()) {
            return null;
        }
        Integer y = null;
        Integer mo = null;
        Integer d = null;
        for (int i = 0; i < order.length(); i++) {
            int v = fields.get(i);
            switch (order.charAt(i)) {
                case 'y' -> y = v;
                case 'm' -> mo = v;
                default -> d = v;
            }
        }
        if (mo != null && (mo < 1 || mo > 12) || d != null && (d < 1 || d > 31)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        if (mo != null) {
            out.append(MONTHS[mo - 1]);
            if (d != null) {
                out.append(' ').append(EnglishNumbers.ordinal(d));
            }
        } else if (d != null) {
            out.append("the ").append(EnglishNumbers.ordinal(d));
        }
        if (y != null) {
            if (out.length() > 0) {
                out.append(d != null ? ", " : " ");
            }
            out.append(EnglishNumbers.year(y));
        }
        return out.toString();
    }

    /** {@code $12.50}, {@code 12.50 EUR}, {@code GBP 3}; the {@code format} attribute may name the currency. */
    private static String currency(String t, String format) {
        Matcher m = MONEY.matcher(t);
        if (!m.matches() || m.group(1) != null && m.group(4) != null) {
            return null;
        }
        String unit = m.group(1) != null ? m.group(1) : m.group(4) != null ? m.group(4) : format;
        if (unit == null) {
            return null;
        }
        String code = SYMBOLS.getOrDefault(unit, unit.toUpperCase(Locale.ROOT));
        Currency c = CURRENCIES.get(code);
        if (c == null) {
            return null;
        }
        String digits = m.group(2).replace(",", "");
        if (!fitsLong(digits)) {
            // an amount past nine quintillion is not money anyone is owed: read the figure as it is written
            return EnglishNumbers.digits(digits) + ' ' + c.many;
        }
        long whole = Long.parseLong(digits);
        int cents = m.group(3) == null ? 0 : new BigDecimal("0." + m.group(3)).movePointRight(2).intValue();
        StringBuilder out = new StringBuilder();
        if (whole != 0 || cents == 0) {
            out.append(EnglishNumbers.cardinal(whole)).append(' ').append(whole == 1 ? c.one : c.many);
        }
        if (cents != 0) {
            if (out.length() > 0) {
                out.append(" and ");
            }
            out.append(EnglishNumbers.cardinal(cents)).append(' ').append(cents == 1 ? c.centOne : c.centMany);
        }
        return out.toString();
    }
}
