package io.voxcpm.mrcp.synth;

import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads client XML (SSML, PLS lexicons) without ever resolving anything: the JDK's own StAX parser, no DTD
 * support (a DOCTYPE is skipped, its entities stay undeclared and fail), no external access.
 */
final class SafeXml {

    private SafeXml() {
    }

    /** Walks every event of the document; throws on the first well-formedness error. */
    static void walk(String xml, Visitor visitor) throws XMLStreamException {
        XMLStreamReader reader = factory().createXMLStreamReader(new StringReader(xml));
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    throw new XMLStreamException("entity reference &" + reader.getLocalName() + "; is not allowed",
                            reader.getLocation());
                }
                visitor.visit(event, reader);
            }
        } finally {
            reader.close();
        }
    }

    /** The local name of the root element, after checking the whole document is well-formed. */
    static String rootElement(String xml) throws XMLStreamException {
        String[] root = new String[1];
        walk(xml, (event, reader) -> {
            if (event == XMLStreamConstants.START_ELEMENT && root[0] == null) {
                root[0] = reader.getLocalName();
            }
        });
        if (root[0] == null) {
            throw new XMLStreamException("no root element");
        }
        return root[0];
    }

    interface Visitor {
        void visit(int event, XMLStreamReader reader) throws XMLStreamException;
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    /** The parser's message without the location preamble the JDK puts in front. */
    static String reason(XMLStreamException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int i = m.indexOf("\nMessage: ");
        String msg = i >= 0 ? m.substring(i + "\nMessage: ".length()).strip() : m.strip();
        var loc = e.getLocation();
        return loc == null ? msg : "line " + loc.getLineNumber() + ", column " + loc.getColumnNumber() + ": " + msg;
    }
}
