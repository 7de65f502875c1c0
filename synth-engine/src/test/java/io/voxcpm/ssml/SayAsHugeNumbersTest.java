package io.voxcpm.ssml;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.request.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Figures past {@code long}'s range are spoken, not a stack trace: the grouped form has no length limit. */
class SayAsHugeNumbersTest {

    private static final String HUGE = "123,456,789,012,345,678,901,234";

    @Test
    void aGroupedCardinalPastLongIsReadDigitByDigit() throws Exception {
        assertThat(said("cardinal", HUGE))
                .isEqualTo("one two three four five six seven eight nine zero one two three four five six seven eight"
                        + " nine zero one two three four");
        assertThat(said("cardinal", "-" + HUGE)).startsWith("minus one two three").endsWith("two three four");
    }

    @Test
    void aDecimalWithAHugeWholePartKeepsItsFraction() throws Exception {
        assertThat(said("cardinal", HUGE + ".5")).startsWith("one two three").endsWith("three four point five");
        assertThat(said("cardinal", "-" + HUGE + ".25")).startsWith("minus one two").endsWith("point two five");
    }

    @Test
    void aHugeAmountOfMoneyIsReadAsWritten() throws Exception {
        assertThat(said("currency", "$" + HUGE)).startsWith("one two three four").endsWith("three four dollars");
    }

    @Test
    void theLargestAndSmallestLongStillReadAsQuantities() throws Exception {
        assertThat(said("cardinal", "9,223,372,036,854,775,807")).startsWith("nine quintillion two hundred");
        assertThat(said("cardinal", "-9,223,372,036,854,775,808")).startsWith("minus nine quintillion")
                .endsWith("eight hundred eight");
        assertThat(said("cardinal", "9,223,372,036,854,775,808")).isEqualTo(
                "nine two two three three seven two zero three six eight five four seven seven five eight zero eight");
    }

    private static String said(String as, String text) throws Exception {
        List<Segment> parts = SsmlParser.parse("<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\""
                + " xml:lang=\"en-US\"><say-as interpret-as=\"" + as + "\">" + text + "</say-as></speak>").segments();
        return ((Segment.Text) parts.get(0)).text().strip();
    }
}
