package io.voxcpm.ssml;

import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The hardened StAX set-up every SSML reader here uses: the JDK's own parser, no DTD processing (a
 * DOCTYPE is skipped, so an entity it declares is an undeclared reference and fails: nothing is fetched
 * or expanded), no external access, and the JDK's secure-processing limits (on by default for StAX).
 */
final class SafeXml {

    /** The largest document accepted, in chars. */
    static final int MAX_CHARS = 64 * 1024;

    private SafeXml() {
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

    static String at(Location location) {
        return location == null ? "" : " at line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    /** The parser's own words without the location prefix the JDK puts in front of them. */
    static String reason(XMLStreamException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int i = m.indexOf("\nMessage: ");
        return i >= 0 ? m.substring(i + "\nMessage: ".length()).strip() : m.strip();
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
