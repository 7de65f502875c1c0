package io.voxcpm.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a read document says (its spoken text and lexicon references), and hostile documents. */
class SsmlDocumentTest {

    private static final String NS = "xmlns=\"http://www.w3.org/2001/10/synthesis\"";

    private static String spoken(String ssml) throws SynthesisException {
        return SsmlParser.parse(ssml).spokenText();
    }

    @Test
    void spokenTextHasTheWordsOfEveryElementThatSpeaks() throws Exception {
        String ssml = "<speak " + NS + "><foo:bar xmlns:foo=\"urn:x\">kept</foo:bar> "
                + "<say-as interpret-as=\"digits\">123</say-as> <audio src=\"x.wav\"><desc>a beep</desc>fallback</audio>"
                + "<mark name=\"m1\"/><!-- a comment --><?pi data?> Call <sub alias=\"World Wide Web\">WWW</sub>.</speak>";
        assertThat(spoken(ssml).replaceAll("\\s+", " ")).isEqualTo("kept one two three fallback Call World Wide Web.");
    }

    @Test
    void nonAsciiTextAndCharacterReferences() throws Exception {
        assertThat(spoken("<speak xml:lang=\"de\">Grüße aus Köln &amp; 東京 &#x1F600; &lt;ok&gt;</speak>"))
                .isEqualTo("Grüße aus Köln & 東京 😀 <ok>");
        assertThat(spoken("<speak><![CDATA[a < b]]></speak>")).isEqualTo("a < b");
    }

    @Test
    void lexiconElementsAreListedInOrderAndNeverSpoken() throws Exception {
        SsmlDocument d = SsmlParser.parse("<speak " + NS + "><lexicon uri=\"session:names\" xml:id=\"n\"/>"
                + "<lexicon uri=\" http://example.com/x.pls \"/>Hello</speak>");
        assertThat(d.lexicons()).containsExactly("session:names", "http://example.com/x.pls");
        assertThat(d.spokenText()).isEqualTo("Hello");
    }

    @Test
    void onlyAPromptIsAudibleAndNothingIsNot() throws Exception {
        assertThat(SsmlParser.parse("<speak><audio src=\"prompt:chime\"/></speak>").isAudible()).isTrue();
        assertThat(SsmlParser.parse("<speak><break time=\"1s\"/><mark name=\"m\"/></speak>").isAudible()).isFalse();
    }

    @Test
    void externalEntityIsNeverExpanded(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        for (String target : new String[] {secret.toUri().toString(), "file:///etc/passwd"}) {
            String ssml = "<?xml version=\"1.0\"?>\n<!DOCTYPE speak [<!ENTITY xxe SYSTEM \"" + target + "\">]>\n"
                    + "<speak>Hello &xxe; there</speak>";
            assertThatThrownBy(() -> SsmlParser.parse(ssml)).isInstanceOfSatisfying(SynthesisException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
                assertThat(e.getMessage()).doesNotContain("TOP-SECRET").doesNotContain("root:");
            });
        }
    }

    @Test
    void aDoctypeIsRefusedAndItsDtdNeverFetched() {
        // an unreachable DTD: fetching it would fail or hang
        assertParseFailure(() -> SsmlParser.parse("<?xml version=\"1.0\"?>\n<!DOCTYPE speak PUBLIC "
                + "\"-//W3C//DTD SYNTHESIS 1.0//EN\" \"http://127.0.0.1:9/synthesis.dtd\">\n<speak " + NS
                + ">Standard prolog.</speak>"), "DOCTYPE");
    }

    @Test
    void billionLaughsIsRejected() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE speak [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        String ssml = dtd + "]><speak>&lol9;</speak>";
        assertParseFailure(() -> SsmlParser.parse(ssml), "SSML");
    }

    @Test
    void malformedXmlSaysWhereAndWhat() {
        assertParseFailure(() -> SsmlParser.parse("<speak>\n<s>unclosed</speak>"), "line 2");
        assertParseFailure(() -> SsmlParser.parse("just plain text"), "line 1");
        assertParseFailure(() -> SsmlParser.parse(""), "malformed SSML");
        assertParseFailure(() -> SsmlParser.parse("<speak>a & b</speak>"), "column");
        assertParseFailure(() -> SsmlParser.parse("<speak>" + "a".repeat(SafeXml.MAX_CHARS) + "</speak>"),
                "exceeds the limit");
    }

    private static void assertParseFailure(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SynthesisException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
