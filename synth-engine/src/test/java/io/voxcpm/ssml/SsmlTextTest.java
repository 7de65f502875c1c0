package io.voxcpm.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.text.SentenceSplitter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SsmlTextTest {

    private static final String NS = "xmlns=\"http://www.w3.org/2001/10/synthesis\"";

    @Test
    void plainSpeak() throws Exception {
        assertThat(SsmlText.toPlainText("<speak>Hello world.</speak>")).isEqualTo("Hello world.");
    }

    @Test
    void namespacedDocumentWithPrologAndIndentation() throws Exception {
        String ssml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <speak version="1.0" %s xml:lang="en-US">
                  <p>
                    <s>Welcome to the   speech server.</s>
                    <s>Press <emphasis>one</emphasis> for sales</s>
                  </p>
                </speak>
                """.formatted(NS);
        String text = SsmlText.toPlainText(ssml);
        assertThat(text).isEqualTo("Welcome to the speech server.\n\nPress one for sales");
        assertThat(new SentenceSplitter().split(text))
                .containsExactly("Welcome to the speech server.", "Press one for sales");
    }

    @Test
    void sentencesWithoutPunctuationStaySeparate() throws Exception {
        String text = SsmlText.toPlainText("<speak " + NS + "><s>Main menu</s><s>Press one</s></speak>");
        assertThat(new SentenceSplitter().split(text)).containsExactly("Main menu", "Press one");
    }

    @Test
    void breaksBecomePunctuation() throws Exception {
        assertThat(SsmlText.toPlainText("<speak>one<break/>two</speak>")).isEqualTo("one, two");
        assertThat(SsmlText.toPlainText("<speak>one.<break/>two</speak>")).isEqualTo("one. two");
        assertThat(SsmlText.toPlainText("<speak>one<break time=\"50ms\"/>two</speak>")).isEqualTo("one two");
        assertThat(SsmlText.toPlainText("<speak>one<break strength=\"none\"/>two</speak>")).isEqualTo("one two");
        assertThat(SsmlText.toPlainText("<speak>one<break time=\"1.5s\"/>two</speak>")).isEqualTo("one\n\ntwo");
        assertThat(SsmlText.toPlainText("<speak>one<break strength=\"x-strong\"/>two</speak>"))
                .isEqualTo("one\n\ntwo");
    }

    @Test
    void subSpeaksItsAlias() throws Exception {
        assertThat(SsmlText.toPlainText("<speak " + NS + ">Call <sub alias=\"World Wide Web Consortium\">W3C</sub>.</speak>"))
                .isEqualTo("Call World Wide Web Consortium .");
    }

    @Test
    void unknownElementsKeepTheirTextAndDescriptionsAreSilent() throws Exception {
        String ssml = "<speak " + NS + "><foo:bar xmlns:foo=\"urn:x\">kept</foo:bar> "
                + "<say-as interpret-as=\"digits\">123</say-as> <audio src=\"x.wav\"><desc>a beep</desc>fallback</audio>"
                + "<mark name=\"m1\"/><!-- a comment --><?pi data?></speak>";
        assertThat(SsmlText.toPlainText(ssml)).isEqualTo("kept 123 fallback");
    }

    @Test
    void nonAsciiTextAndCharacterReferences() throws Exception {
        assertThat(SsmlText.toPlainText("<speak xml:lang=\"de\">Grüße aus Köln &amp; 東京 &#x1F600; &lt;ok&gt;</speak>"))
                .isEqualTo("Grüße aus Köln & 東京 😀 <ok>");
        assertThat(SsmlText.toPlainText("<speak><![CDATA[a < b]]></speak>")).isEqualTo("a < b");
    }

    @Test
    void externalEntityIsNeverExpanded(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        for (String target : new String[] {secret.toUri().toString(), "file:///etc/passwd"}) {
            String ssml = "<?xml version=\"1.0\"?>\n<!DOCTYPE speak [<!ENTITY xxe SYSTEM \"" + target + "\">]>\n"
                    + "<speak>Hello &xxe; there</speak>";
            String text = plainTextOrNull(ssml);
            if (text != null) {
                assertThat(text).doesNotContain("TOP-SECRET").doesNotContain("root:");
            }
        }
    }

    @Test
    void externalDtdIsNotFetched() throws Exception {
        // an unreachable DTD: fetching it would fail or hang; it must simply be skipped
        String ssml = "<?xml version=\"1.0\"?>\n<!DOCTYPE speak PUBLIC \"-//W3C//DTD SYNTHESIS 1.0//EN\" "
                + "\"http://127.0.0.1:9/synthesis.dtd\">\n<speak " + NS + ">Standard prolog.</speak>";
        assertThat(SsmlText.toPlainText(ssml)).isEqualTo("Standard prolog.");
    }

    @Test
    void billionLaughsIsRejected() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE speak [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        String ssml = dtd + "]><speak>&lol9;</speak>";
        assertParseFailure(() -> SsmlText.toPlainText(ssml), "lol9");
    }

    @Test
    void malformedXmlSaysWhereAndWhat() {
        assertParseFailure(() -> SsmlText.toPlainText("<speak>\n<s>unclosed</speak>"), "line 2");
        assertParseFailure(() -> SsmlText.toPlainText("just plain text"), "line 1");
        assertParseFailure(() -> SsmlText.toPlainText(""), "malformed SSML");
        assertParseFailure(() -> SsmlText.toPlainText("<speak>a & b</speak>"), "column");
    }

    @Test
    void oversizedDocumentIsRejectedBeforeParsing() {
        String big = "<speak>" + "a".repeat(SsmlText.MAX_CHARS) + "</speak>";
        assertParseFailure(() -> SsmlText.toPlainText(big), "exceeds the limit");
    }

    private static String plainTextOrNull(String ssml) {
        try {
            return SsmlText.toPlainText(ssml);
        } catch (SynthesisException e) {
            assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
            assertThat(e.getMessage()).doesNotContain("TOP-SECRET").doesNotContain("root:");
            return null;
        }
    }

    private static void assertParseFailure(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SynthesisException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
