package io.voxcpm.ssml;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * A W3C PLS 1.0 pronunciation lexicon reduced to what every engine here can use: for each
 * {@code <lexeme>}, its {@code <grapheme>}s and the first {@code <alias>}, the words spoken instead.
 *
 * <p>{@code <phoneme>}s are read but not applied: VoxCPM2 takes text only, and MaryTTS' embedded voice
 * wants its own phone set, not the IPA a PLS document normally holds. A lexeme with phonemes and no alias
 * therefore changes nothing; {@link #phonemeOnly()} counts them so the server can say so.
 *
 * <p>Matching is by whole words (a grapheme never matches inside a longer word), ignoring case (a lexicon
 * written for {@code Acme} also applies to {@code ACME} at the start of a sentence) and treating any run of
 * white space in a multi-word grapheme as one space. Where graphemes overlap, the longest wins; where two
 * lexicons define the same grapheme, the first in search order wins ({@link #then}).
 */
public final class PronunciationLexicon {

    public static final PronunciationLexicon EMPTY = new PronunciationLexicon(Map.of(), 0);
    /** Lexemes one document may hold: a PLS for an IVR names brands and places, not a dictionary. */
    public static final int MAX_LEXEMES = 1_000;
    public static final int MAX_GRAPHEME_CHARS = 200;

    private static final Pattern SPACE = Pattern.compile("\\s+");

    /** Normalised grapheme → alias, in definition order. */
    private final Map<String, String> aliases;
    private final int phonemeOnly;
    private volatile Pattern pattern;

    private PronunciationLexicon(Map<String, String> aliases, int phonemeOnly) {
        this.aliases = aliases;
        this.phonemeOnly = phonemeOnly;
    }

    /**
     * Reads a PLS document (root {@code <lexicon>}, in the PLS namespace or none), as safely as SSML.
     *
     * @throws SynthesisException {@link Reason#PARSE_FAILURE} for malformed XML, a root that is not
     *                            {@code <lexicon>}, a lexeme without a grapheme, or a document over the limits
     */
    public static PronunciationLexicon parse(String pls) throws SynthesisException {
        if (pls.length() > SafeXml.MAX_CHARS) {
            throw new SynthesisException(Reason.PARSE_FAILURE,
                    "lexicon of " + pls.length() + " chars exceeds the limit of " + SafeXml.MAX_CHARS);
        }
        Reader r = new Reader();
        try {
            SafeXml.walk(pls, r::visit);
        } catch (XMLStreamException e) {
            throw new SynthesisException(Reason.PARSE_FAILURE, "lexicon: " + SafeXml.locatedReason(e), e);
        }
        if (r.root == null) {
            throw new SynthesisException(Reason.PARSE_FAILURE, "lexicon: no root element");
        }
        return new PronunciationLexicon(r.aliases, r.phonemeOnly);
    }

    /** Graphemes that have an alias. */
    public int size() {
        return aliases.size();
    }

    /** Lexemes with phonemes and no alias: read, but they change nothing. */
    public int phonemeOnly() {
        return phonemeOnly;
    }

    /** This lexicon searched first, then {@code next} for the graphemes this one does not define. */
    public PronunciationLexicon then(PronunciationLexicon next) {
        if (next.aliases.isEmpty()) {
            return this;
        }
        if (aliases.isEmpty()) {
            return next;
        }
        Map<String, String> merged = new LinkedHashMap<>(aliases);
        next.aliases.forEach(merged::putIfAbsent);
        return new PronunciationLexicon(merged, phonemeOnly + next.phonemeOnly);
    }

    /** {@code text} with every grapheme replaced by its alias. */
    public String apply(String text) {
        if (aliases.isEmpty() || text.isEmpty()) {
            return text;
        }
        Matcher m = pattern().matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String alias = aliases.get(normalise(m.group()));
            if (alias == null) {
                continue;
            }
            out = out == null ? new StringBuilder(text.length() + 32) : out;
            out.append(text, last, m.start()).append(alias);
            last = m.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    private Pattern pattern() {
        Pattern p = pattern;
        if (p == null) {
            List<String> graphemes = new ArrayList<>(aliases.keySet());
            graphemes.sort(Comparator.comparingInt(String::length).reversed());
            StringBuilder alternatives = new StringBuilder();
            for (String g : graphemes) {
                alternatives.append(alternatives.length() == 0 ? "" : "|");
                String[] words = g.split(" ");
                for (int i = 0; i < words.length; i++) {
                    alternatives.append(i == 0 ? "" : "\\s+").append(Pattern.quote(words[i]));
                }
            }
            p = Pattern.compile("(?<![\\p{L}\\p{N}_])(?:" + alternatives + ")(?![\\p{L}\\p{N}_])",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            pattern = p;
        }
        return p;
    }

    private static String normalise(String grapheme) {
        return SPACE.matcher(grapheme.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** The state of one parse: the element path is shallow (lexicon/lexeme/grapheme|alias|phoneme). */
    private static final class Reader {
        final Map<String, String> aliases = new LinkedHashMap<>();
        String root;
        int phonemeOnly;
        int lexemes;
        List<String> graphemes;
        String alias;
        boolean phoneme;
        StringBuilder text;

        void visit(int event, javax.xml.stream.XMLStreamReader reader) throws XMLStreamException {
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> start(reader);
                case XMLStreamConstants.END_ELEMENT -> end(reader);
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (text != null) {
                        text.append(reader.getText());
                    }
                }
                default -> {
                    // comments, processing instructions
                }
            }
        }

        private void start(javax.xml.stream.XMLStreamReader reader) throws XMLStreamException {
            String name = reader.getLocalName();
            if (root == null) {
                root = name;
                if (!name.equals("lexicon")) {
                    throw new XMLStreamException("root element is <" + name + ">, not <lexicon>",
                            reader.getLocation());
                }
                return;
            }
            switch (name) {
                case "lexeme" -> {
                    if (++lexemes > MAX_LEXEMES) {
                        throw new XMLStreamException("more than " + MAX_LEXEMES + " lexemes", reader.getLocation());
                    }
                    graphemes = new ArrayList<>();
                    alias = null;
                    phoneme = false;
                }
                case "grapheme", "alias" -> text = new StringBuilder();
                case "phoneme" -> phoneme = true;
                default -> {
                    // meta, metadata, example: nothing to apply
                }
            }
        }

        private void end(javax.xml.stream.XMLStreamReader reader) throws XMLStreamException {
            switch (reader.getLocalName()) {
                case "grapheme" -> {
                    String g = normalise(text.toString());
                    text = null;
                    if (graphemes == null || g.isEmpty() || g.length() > MAX_GRAPHEME_CHARS) {
                        throw new XMLStreamException(graphemes == null ? "<grapheme> outside a <lexeme>"
                                : "a grapheme must have 1 to " + MAX_GRAPHEME_CHARS + " chars", reader.getLocation());
                    }
                    graphemes.add(g);
                }
                case "alias" -> {
                    String a = SPACE.matcher(text.toString().strip()).replaceAll(" ");
                    text = null;
                    if (alias == null && !a.isEmpty()) {
                        alias = a;
                    }
                }
                case "lexeme" -> {
                    if (graphemes.isEmpty()) {
                        throw new XMLStreamException("a <lexeme> without a <grapheme>", reader.getLocation());
                    }
                    if (alias != null) {
                        for (String g : graphemes) {
                            aliases.putIfAbsent(g, alias);
                        }
                    } else if (phoneme) {
                        phonemeOnly++;
                    }
                    graphemes = null;
                }
                default -> {
                    // nothing to close
                }
            }
        }
    }
}
