package io.voxcpm.ssml;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.io.StringReader;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A first, safe reduction of SSML to plain text: the words to speak, with structure turned into
 * punctuation that {@link io.voxcpm.text.SentenceSplitter} understands.
 *
 * <ul>
 *   <li>{@code <p>} and {@code <s>} become paragraph breaks (a blank line: a hard segment boundary).</li>
 *   <li>{@code <break>}: {@code strength="strong|x-strong"} or a {@code time} of 500 ms or more is a
 *       paragraph break; {@code none|x-weak} or under 150 ms is a space; anything else a comma.</li>
 *   <li>{@code <sub alias="...">} speaks the alias; {@code <desc>}, {@code <meta>}, {@code <metadata>},
 *       {@code <lexicon>} say nothing; every other element (known or not) keeps its text.</li>
 * </ul>
 *
 * <p>Parsing is hardened: the JDK's own StAX parser, no DTD processing (a DOCTYPE is skipped, so an entity
 * it declares is an undeclared reference and fails: nothing is fetched or expanded), no external
 * access, the JDK's secure-processing limits (on by default for StAX; the feature itself cannot be set on
 * an {@code XMLInputFactory}), and at most {@value #MAX_CHARS} chars of input.
 */
public final class SsmlText {

    /** The largest document accepted, in chars. */
    public static final int MAX_CHARS = SafeXml.MAX_CHARS;

    private static final String PARAGRAPH = "\n\n";
    private static final Pattern TIME = Pattern.compile("\\s*([0-9]*\\.?[0-9]+)\\s*(ms|s)\\s*");
    private static final Pattern BLANKS = Pattern.compile("[ \\t\\x0B\\f\\r]*\\n[\\s]*\\n\\s*");
    private static final Pattern SPACES = Pattern.compile("[\\s&&[^\\n]]+");

    private SsmlText() {
    }

    /**
     * The text to speak in {@code ssml}.
     *
     * @throws SynthesisException with {@link Reason#PARSE_FAILURE} when the document is too large or not
     *                            well-formed XML; the message gives the line and column
     */
    public static String toPlainText(String ssml) throws SynthesisException {
        if (ssml.length() > MAX_CHARS) {
            throw new SynthesisException(Reason.PARSE_FAILURE,
                    "SSML document of " + ssml.length() + " chars exceeds the limit of " + MAX_CHARS);
        }
        StringBuilder out = new StringBuilder(ssml.length());
        XMLStreamReader reader = null;
        try {
            reader = SafeXml.newFactory().createXMLStreamReader(new StringReader(ssml));
            int silentDepth = 0; // > 0 inside an element whose text is not spoken
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        String name = reader.getLocalName();
                        if (silentDepth > 0 || isSilent(name)) {
                            silentDepth++;
                        } else if (name.equals("sub")) {
                            String alias = reader.getAttributeValue(null, "alias");
                            if (alias != null) {
                                out.append(' ').append(alias).append(' ');
                                silentDepth++;
                            }
                        } else if (name.equals("p") || name.equals("s") || name.equals("paragraph")
                                || name.equals("sentence")) {
                            out.append(PARAGRAPH);
                        } else if (name.equals("break")) {
                            appendBreak(out, reader.getAttributeValue(null, "strength"),
                                    reader.getAttributeValue(null, "time"));
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        String name = reader.getLocalName();
                        if (silentDepth > 0) {
                            silentDepth--;
                        } else if (name.equals("p") || name.equals("s") || name.equals("paragraph")
                                || name.equals("sentence")) {
                            out.append(PARAGRAPH);
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (silentDepth == 0) {
                            out.append(reader.getText());
                        }
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw new SynthesisException(Reason.PARSE_FAILURE,
                            "SSML entity reference &" + reader.getLocalName() + "; is not allowed" + SafeXml.at(reader.getLocation()));
                    default -> {
                        // comments, processing instructions, the skipped DOCTYPE: nothing to say
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new SynthesisException(Reason.PARSE_FAILURE, "malformed SSML" + SafeXml.at(e.getLocation()) + ": "
                    + SafeXml.reason(e), e);
        } finally {
            SafeXml.close(reader);
        }
        return normalise(out);
    }

    private static boolean isSilent(String name) {
        return name.equals("desc") || name.equals("meta") || name.equals("metadata") || name.equals("lexicon");
    }

    private static void appendBreak(StringBuilder out, String strength, String time) {
        String s = strength == null ? "" : strength.trim().toLowerCase(Locale.ROOT);
        double ms = parseMillis(time);
        if (s.equals("strong") || s.equals("x-strong") || ms >= 500) {
            out.append(PARAGRAPH);
        } else if (s.equals("none") || s.equals("x-weak") || (ms >= 0 && ms < 150)) {
            out.append(' ');
        } else {
            int end = lastNonSpace(out);
            boolean punctuated = end >= 0 && ",;:.!?…。，！？".indexOf(out.charAt(end)) >= 0;
            out.append(punctuated ? " " : ", ");
        }
    }

    /** Milliseconds in an SSML time designation such as {@code 250ms} or {@code 1.5s}; -1 if absent or bad. */
    private static double parseMillis(String time) {
        if (time == null) {
            return -1;
        }
        var m = TIME.matcher(time);
        if (!m.matches()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        return m.group(2).equals("s") ? v * 1000 : v;
    }

    private static int lastNonSpace(StringBuilder sb) {
        int i = sb.length() - 1;
        while (i >= 0 && Character.isWhitespace(sb.charAt(i))) {
            i--;
        }
        return i;
    }

    /** Source indentation is not speech: spaces collapse, blank lines stay as paragraph breaks. */
    private static String normalise(StringBuilder out) {
        String s = BLANKS.matcher(out).replaceAll(PARAGRAPH);
        s = SPACES.matcher(s).replaceAll(" ");
        return s.lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElse("").strip();
    }
}
