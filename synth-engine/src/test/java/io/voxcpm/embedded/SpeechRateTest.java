package io.voxcpm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpeechRateTest {

    @ParameterizedTest
    @CsvSource({
        "fast, 1.25, +25%", "X-SLOW, 0.6, -40%", "medium, 1.0, +0%", "default, 1.0, +0%",
        "0.8, 0.8, -20%", "1.5, 1.5, +50%", "+20%, 1.2, +20%", "-10%, 0.9, -10%", "150%, 1.5, +50%",
        "10, 2.0, +100%", "-90%, 0.5, -50%", "' fast ', 1.25, +25%",
    })
    void parsesKeywordsNumbersAndPercentagesClamped(String value, double multiplier, String ssml) {
        SpeechRate rate = SpeechRate.parse(value).orElseThrow();
        assertThat(rate.multiplier()).isCloseTo(multiplier, within(1e-9));
        assertThat(rate.toSsml()).isEqualTo(ssml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "warp", "0", "-100%", "-1", "1.2.3", "%", "fastest"})
    void rejectsWhatIsNotARate(String value) {
        assertThat(SpeechRate.parse(value)).isEmpty();
    }
}
