package io.voxcpm.mrcp.synth;

import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * What the server itself needs from an SSML document, beside the text the engine speaks: the root's
 * {@code xml:lang} (markup wins over the Speech-Language header) and the {@code <mark>} names, split into
 * those before any spoken text and the rest. Engines report no word timings, so the marks cannot be timed
 * more finely than "at the start" and "when the audio has played out".
 *
 * @param language     the root element's xml:lang, or null
 * @param leadingMarks marks that come before any text
 * @param laterMarks   every other mark, in document order
 */
record SsmlFacts(String language, List<String> leadingMarks, List<String> laterMarks) {

    static final SsmlFacts NONE = new SsmlFacts(null, List.of(), List.of());

    SsmlFacts {
        leadingMarks = List.copyOf(leadingMarks);
        laterMarks = List.copyOf(laterMarks);
    }

    /** Reads a document that {@link io.voxcpm.ssml.SsmlText} has already accepted. */
    static SsmlFacts of(String ssml) throws XMLStreamException {
        String[] language = new String[1];
        boolean[] rootSeen = new boolean[1];
        boolean[] textSeen = new boolean[1];
        List<String> leading = new ArrayList<>();
        List<String> later = new ArrayList<>();
        SafeXml.walk(ssml, (event, reader) -> {
            if (event == XMLStreamConstants.START_ELEMENT) {
                if (!rootSeen[0]) {
                    rootSeen[0] = true;
                    String lang = reader.getAttributeValue(XMLConstants.XML_NS_URI, "lang");
                    language[0] = lang == null || lang.isBlank() ? null : lang.strip();
                }
                if (reader.getLocalName().equals("mark")) {
                    String name = reader.getAttributeValue(null, "name");
                    if (name != null && !name.isBlank()) {
                        (textSeen[0] ? later : leading).add(name.strip());
                    }
                }
            } else if ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)
                    && !reader.getText().isBlank()) {
                textSeen[0] = true;
            }
        });
        return new SsmlFacts(language[0], leading, later);
    }
}
