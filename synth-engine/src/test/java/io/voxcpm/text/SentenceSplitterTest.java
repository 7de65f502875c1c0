package io.voxcpm.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SentenceSplitterTest {

    private final SentenceSplitter splitter = new SentenceSplitter();

    private List<String> split(String text) {
        return splitter.split(text);
    }

    @Test
    void splitsOnPeriodExclamationAndQuestion() {
        assertThat(split("Welcome to the speech server. Press one for sales! Or two? Goodbye."))
                .containsExactly("Welcome to the speech server.", "Press one for sales!", "Or two?", "Goodbye.");
    }

    @Test
    void lastSentenceNeedsNoPunctuation() {
        assertThat(split("Hello there. Press one")).containsExactly("Hello there.", "Press one");
    }

    @Test
    void nothingToSay() {
        assertThat(split("")).isEmpty();
        assertThat(split("   \n\n\t ")).isEmpty();
        assertThat(split("... !!! ?")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Mr. Smith is here. He waits.|Mr. Smith is here.|He waits.",
        "Ask Dr. Jones today. Thanks.|Ask Dr. Jones today.|Thanks.",
        "Bring fruit, e.g. Apples and pears. Done.|Bring fruit, e.g. Apples and pears.|Done.",
        "That is, i.e. The end. Done.|That is, i.e. The end.|Done.",
        "Lions vs. Tigers tonight. Watch.|Lions vs. Tigers tonight.|Watch.",
        "Call J. Smith now. Bye.|Call J. Smith now.|Bye.",
        "We open at 9 a.m. Please wait.|We open at 9 a.m.|Please wait.",
        "Pens, paper etc. Then go home.|Pens, paper etc.|Then go home.",
    })
    void abbreviations(String text, String first, String second) {
        assertThat(split(text)).containsExactly(first, second);
    }

    @Test
    void abbreviationBeforeLowerCaseDoesNotSplit() {
        assertThat(split("Pens, paper etc. and more. Yes.")).containsExactly("Pens, paper etc. and more.", "Yes.");
        assertThat(split("The U.S. army left. Yes.")).containsExactly("The U.S. army left.", "Yes.");
    }

    @Test
    void decimalsHostNamesAndTimesStayWhole() {
        assertThat(split("Pi is 3.14 roughly. Visit www.example.com today. It costs $1,234.50 now."))
                .containsExactly("Pi is 3.14 roughly.", "Visit www.example.com today.", "It costs $1,234.50 now.");
    }

    @Test
    void numberAtSentenceEndStillSplits() {
        assertThat(split("Your balance is 42. Thank you.")).containsExactly("Your balance is 42.", "Thank you.");
    }

    @Test
    void ellipses() {
        assertThat(split("Well… Let me see. Hmm... Okay.")).containsExactly("Well…", "Let me see.", "Hmm...", "Okay.");
        assertThat(split("I think... maybe not.")).containsExactly("I think... maybe not.");
    }

    @Test
    void closingQuotesAndBracketsStayWithTheirSentence() {
        assertThat(split("He said \"Stop.\" Then he left. (Really!) Yes."))
                .containsExactly("He said \"Stop.\"", "Then he left.", "(Really!)", "Yes.");
        assertThat(split("She asked “Why?” Nobody knew.")).containsExactly("She asked “Why?”", "Nobody knew.");
    }

    @Test
    void punctuationRuns() {
        assertThat(split("Really?! Yes!!! Ok.")).containsExactly("Really?!", "Yes!!!", "Ok.");
    }

    @Test
    void cjkPunctuationNeedsNoSpace() {
        assertThat(split("欢迎致电。请按一。你好吗？很好！")).containsExactly("欢迎致电。", "请按一。", "你好吗？", "很好！");
        assertThat(split("「はい。」と言った。次へ")).containsExactly("「はい。」", "と言った。", "次へ");
    }

    @Test
    void paragraphsAndLineBreaks() {
        assertThat(split("Main menu\n\nPress one for sales\nPress two for support"))
                .containsExactly("Main menu", "Press one for sales", "Press two for support");
        assertThat(split("A sentence that was\nhard wrapped here. Next."))
                .containsExactly("A sentence that was hard wrapped here.", "Next.");
        assertThat(split("Windows\r\n\r\nline ends\r\nOk")).containsExactly("Windows", "line ends", "Ok");
    }

    @Test
    void whitespaceInsideASentenceCollapses() {
        assertThat(split("  Press\t one   for\u00a0sales.  ")).containsExactly("Press one for sales.");
    }

    @Test
    void longSentenceIsCutAtClauseMarks() {
        SentenceSplitter small = new SentenceSplitter(40);
        String text = "If you are calling about an order, press one; for billing questions, press two.";
        List<String> parts = small.split(text);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(40));
        assertThat(parts.get(0)).isEqualTo("If you are calling about an order,");
        assertThat(String.join(" ", parts)).isEqualTo(text);
    }

    @Test
    void semicolonIsPreferredToComma() {
        SentenceSplitter small = new SentenceSplitter(45);
        List<String> parts = small.split("First clause here; second, third, fourth, fifth and sixth parts go on and on.");
        assertThat(parts.get(0)).isEqualTo("First clause here;");
    }

    @Test
    void longRunWithoutPunctuationIsCutAtSpacesThenHard() {
        SentenceSplitter small = new SentenceSplitter(20);
        assertThat(small.split("one two three four five six seven eight nine ten"))
                .allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(20))
                .contains("one two three four");
        String word = "x".repeat(50);
        assertThat(small.split(word)).containsExactly("x".repeat(20), "x".repeat(20), "x".repeat(10));
    }

    @Test
    void cjkLongSentenceIsCutAtIdeographicComma() {
        SentenceSplitter small = new SentenceSplitter(20);
        List<String> parts = small.split("这是一个很长的句子，它包含许多中文字符、还有更多的内容以及其他的东西。");
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(20));
        assertThat(parts.get(0)).isEqualTo("这是一个很长的句子，它包含许多中文字符、");
    }

    @Test
    void surrogatePairsAreNeverCut() {
        SentenceSplitter small = new SentenceSplitter(21);
        String emoji = "😀".repeat(30); // 60 UTF-16 units, no spaces
        assertThat(small.split("a" + emoji)).allSatisfy(p -> {
            assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
        });
    }

    @Test
    void rejectsTinyMaximum() {
        assertThatThrownBy(() -> new SentenceSplitter(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersThatAreNotDecimalDigitsAreKept() {
        assertThat(new SentenceSplitter().split("²")).containsExactly("²");
        assertThat(new SentenceSplitter().split("Chapter Ⅻ. ½")).containsExactly("Chapter Ⅻ.", "½");
    }

    @Property
    void segmentsRespectTheMaximumAndKeepEveryWord(@ForAll @StringLength(max = 2000) String text,
            @ForAll @IntRange(min = 20, max = 400) int max) {
        List<String> parts = new SentenceSplitter(max).split(text);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(max);
            assertThat(p).isEqualTo(p.strip()).isNotEmpty();
        });
        String joined = String.join("", parts).replaceAll("\\s+", "");
        String letters = text.replaceAll("[^\\p{L}\\p{N}]", "");
        assertThat(joined.replaceAll("[^\\p{L}\\p{N}]", "")).isEqualTo(letters);
    }
}
