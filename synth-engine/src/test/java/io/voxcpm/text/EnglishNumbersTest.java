package io.voxcpm.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnglishNumbersTest {

    @Test
    void cardinals() {
        assertThat(EnglishNumbers.cardinal(0)).isEqualTo("zero");
        assertThat(EnglishNumbers.cardinal(13)).isEqualTo("thirteen");
        assertThat(EnglishNumbers.cardinal(105)).isEqualTo("one hundred five");
        assertThat(EnglishNumbers.cardinal(1_000_021)).isEqualTo("one million twenty-one");
        assertThat(EnglishNumbers.cardinal(-40)).isEqualTo("minus forty");
        assertThat(EnglishNumbers.cardinal(Long.MIN_VALUE)).startsWith("minus nine quintillion two hundred twenty-three")
                .endsWith("eight hundred eight");
    }

    @Test
    void ordinals() {
        assertThat(EnglishNumbers.ordinal(1)).isEqualTo("first");
        assertThat(EnglishNumbers.ordinal(12)).isEqualTo("twelfth");
        assertThat(EnglishNumbers.ordinal(20)).isEqualTo("twentieth");
        assertThat(EnglishNumbers.ordinal(43)).isEqualTo("forty-third");
        assertThat(EnglishNumbers.ordinal(100)).isEqualTo("one hundredth");
        assertThat(EnglishNumbers.ordinal(1009)).isEqualTo("one thousand ninth");
    }

    @Test
    void yearsAndDigits() {
        assertThat(EnglishNumbers.year(1999)).isEqualTo("nineteen ninety-nine");
        assertThat(EnglishNumbers.year(1900)).isEqualTo("nineteen hundred");
        assertThat(EnglishNumbers.year(1905)).isEqualTo("nineteen oh five");
        assertThat(EnglishNumbers.year(2000)).isEqualTo("two thousand");
        assertThat(EnglishNumbers.year(2008)).isEqualTo("two thousand eight");
        assertThat(EnglishNumbers.year(2024)).isEqualTo("twenty twenty-four");
        assertThat(EnglishNumbers.digits("0-8a9")).isEqualTo("zero eight nine");
    }
}
