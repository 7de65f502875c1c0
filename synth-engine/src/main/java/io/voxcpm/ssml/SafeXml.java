package io.voxcpm.ssml;

import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The one hardened way client XML (SSML, PLS lexicons) is read here: the JDK's own StAX parser, no DTD
 * processing (a DOCTYPE is skipped, so an entity it declares is an undeclared reference and fails: nothing
 * is fetched or expanded), no external access, and the JDK's secure-processing limits (on by default for
 * StAX).
 */
final class SafeXml {

    /** The largest SSML document accepted, in chars. */
    static final int MAX_CHARS = 64 * 1024;

    private SafeXml() {
    }

    /** What {@link #walk} shows each parser event to. */
    public interface Visitor {
        void visit(int event, XMLStreamReader reader) throws XMLStreamException;
    }

    /** A fresh factory per document: StAX factories are not documented as thread-safe, and SPEAKs are rare. */
    static XMLInputFactory newFactory() {
        // the JDK's parser, whatever else is on the classpath: its hardening properties are known
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    /** Walks every event of the document; throws on the first well-formedness error or entity reference. */
    public static void walk(String xml, Visitor visitor) throws XMLStreamException {
        XMLStreamReader reader = newFactory().createXMLStreamReader(new StringReader(xml));
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
    public static String rootElement(String xml) throws XMLStreamException {
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

    static String at(Location location) {
        return location == null ? "" : " at line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    /** The parser's own words without the location prefix the JDK puts in front of them. */
    public static String reason(XMLStreamException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int i = m.indexOf("\nMessage: ");
        return i >= 0 ? m.substring(i + "\nMessage: ".length()).strip() : m.strip();
    }

    /** {@link #reason} preceded by {@code line L, column C: } where the parser knows it. */
    public static String locatedReason(XMLStreamException e) {
        Location loc = e.getLocation();
        return loc == null ? reason(e)
                : "line " + loc.getLineNumber() + ", column " + loc.getColumnNumber() + ": " + reason(e);
    }

    static void close(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException ignored) {
                // nothing held but the string
            }
        }
    }
}
