package io.voxcpm.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Test;

/** The one hardened XML reader, as the lexicon check uses it: nothing declared in a DOCTYPE is ever used. */
class SafeXmlTest {

    @Test
    void theRootElementOfAWellFormedDocument() throws Exception {
        assertThat(SafeXml.rootElement("<?xml version=\"1.0\"?><lexicon xmlns=\"http://www.w3.org/2005/01/"
                + "pronunciation-lexicon\"><lexeme/></lexicon>")).isEqualTo("lexicon");
    }

    @Test
    void entitiesFromADoctypeAreNeverExpandedOrFetched() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE lexicon [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<lexicon>&x;</lexicon>";
        assertThatThrownBy(() -> SafeXml.rootElement(xxe)).isInstanceOf(XMLStreamException.class);
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
                + "<l>&b;</l>";
        assertThatThrownBy(() -> SafeXml.rootElement(bomb)).isInstanceOf(XMLStreamException.class);
    }

    @Test
    void aMalformedDocumentIsReportedWithItsLine() {
        assertThatThrownBy(() -> SafeXml.rootElement("<lexicon>\n<lexeme>\n</lexicon>"))
                .isInstanceOfSatisfying(XMLStreamException.class,
                        e -> assertThat(SafeXml.locatedReason(e)).startsWith("line 3, column"));
    }
}
