package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VoiceDescriptionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "female | 30  | A woman in her thirties",
        "male   | 45  | A man in his forties",
        "-      | 59  | A person in their fifties",
        "female | 8   | A young girl",
        "male   | 12  | A young boy",
        "-      | 5   | A young child",
        "female | 16  | A teenage girl",
        "-      | 19  | A teenager",
        "male   | 25  | A young man in his twenties",
        "-      | 21  | A young adult in their twenties",
        "female | 65  | An older woman in her sixties",
        "male   | 88  | An elderly man in his eighties",
        "female | 101 | An elderly woman",
        "neutral| 35  | A person in their thirties, gender-neutral voice",
        "female | -   | A female voice",
        "male   | -   | A male voice",
        "neutral| -   | A gender-neutral voice",
    })
    void describes(String gender, Integer age, String expected) {
        assertThat(VoiceDescriptions.describe(gender, age)).isEqualTo(expected);
    }

    @Test
    void nothingGivenDescribesNothing() {
        assertThat(VoiceDescriptions.describe(null, null)).isNull();
    }

    @Test
    void cleaningRemovesParenthesesAndLimitsLength() throws Exception {
        assertThat(VoiceDescriptions.clean("  (A  deep\n voice)（低沉） ")).isEqualTo("A deep voice 低沉");
        assertThat(VoiceDescriptions.clean("()")).isNull();
        assertThatThrownBy(() -> VoiceDescriptions.clean("x".repeat(VoiceDescriptions.MAX_LENGTH + 1)))
                .isInstanceOf(SynthesisException.class);
    }
}
