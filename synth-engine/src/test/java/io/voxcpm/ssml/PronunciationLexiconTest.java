package io.voxcpm.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import org.junit.jupiter.api.Test;

class PronunciationLexiconTest {

    private static final String HEAD = "<?xml version=\"1.0\"?><lexicon version=\"1.0\" "
            + "xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\" alphabet=\"ipa\" xml:lang=\"en-US\">";

    private static PronunciationLexicon pls(String lexemes) throws SynthesisException {
        return PronunciationLexicon.parse(HEAD + lexemes + "</lexicon>");
    }

    @Test
    void aliasesReplaceWholeWordsIgnoringCaseLongestFirst() throws Exception {
        PronunciationLexicon l = pls("<lexeme><grapheme>Acme</grapheme><grapheme>ACME Corp</grapheme>"
                + "<alias>Anvil Company</alias></lexeme>"
                + "<lexeme><grapheme>St.</grapheme><alias>Street</alias></lexeme>"
                + "<lexeme><grapheme>Acme   Labs</grapheme><alias>the lab</alias></lexeme>");
        assertThat(l.size()).isEqualTo(4);
        assertThat(l.apply("Welcome to ACME. acme corp, Acme\nLabs on Main St. Acmeville"))
                .isEqualTo("Welcome to Anvil Company. Anvil Company, the lab on Main Street Acmeville");
        assertThat(l.apply("nothing here")).isEqualTo("nothing here");
    }

    @Test
    void phonemeOnlyLexemesAreCountedAndChangeNothing() throws Exception {
        PronunciationLexicon l = pls("<lexeme><grapheme>tomato</grapheme><phoneme>təˈmɑːtoʊ</phoneme></lexeme>"
                + "<lexeme><grapheme>Nguyen</grapheme><phoneme>wɪn</phoneme><alias>win</alias></lexeme>");
        assertThat(l.phonemeOnly()).isEqualTo(1);
        assertThat(l.apply("tomato for Nguyen")).isEqualTo("tomato for win");
    }

    @Test
    void theFirstLexiconInSearchOrderWins() throws Exception {
        PronunciationLexicon first = pls("<lexeme><grapheme>SQL</grapheme><alias>sequel</alias></lexeme>");
        PronunciationLexicon second = pls("<lexeme><grapheme>SQL</grapheme><alias>S Q L</alias></lexeme>"
                + "<lexeme><grapheme>IVR</grapheme><alias>I V R</alias></lexeme>");
        assertThat(first.then(second).apply("SQL IVR")).isEqualTo("sequel I V R");
        assertThat(second.then(first).apply("SQL IVR")).isEqualTo("S Q L I V R");
        assertThat(PronunciationLexicon.EMPTY.then(first).apply("SQL")).isEqualTo("sequel");
    }

    @Test
    void badDocumentsFailWithAReason() {
        assertFails("<speak/>", "not <lexicon>");
        assertFails(HEAD + "<lexeme><alias>x</alias></lexeme></lexicon>", "without a <grapheme>");
        assertFails(HEAD + "<lexeme><grapheme>a", "line 1");
        assertFails("<?xml version=\"1.0\"?><!DOCTYPE lexicon [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<lexicon><lexeme><grapheme>&x;</grapheme><alias>y</alias></lexeme></lexicon>", "x");
        assertFails(HEAD + "<lexeme><grapheme>a</grapheme></lexeme>".repeat(
                PronunciationLexicon.MAX_LEXEMES + 1) + "</lexicon>", "lexemes");
    }

    private static void assertFails(String pls, String part) {
        assertThatThrownBy(() -> PronunciationLexicon.parse(pls)).isInstanceOfSatisfying(SynthesisException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
                    assertThat(e.getMessage()).contains(part).doesNotContain("root:");
                });
    }
}
