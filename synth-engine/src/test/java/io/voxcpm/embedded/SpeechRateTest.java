package io.voxcpm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpeechRateTest {

    @ParameterizedTest
    @CsvSource({
        "1.25, 1.25, +25%", "0.6, 0.6, -40%", "1.0, 1.0, +0%", "0.8, 0.8, -20%", "1.5, 1.5, +50%",
        "10, 2.0, +100%", "0.1, 0.5, -50%",
    })
    void holdsTheMultiplierToWhatMaryTtsCanSay(double asked, double multiplier, String ssml) {
        SpeechRate rate = new SpeechRate(asked);
        assertThat(rate.multiplier()).isCloseTo(multiplier, within(1e-9));
        assertThat(rate.toSsml()).isEqualTo(ssml);
    }
}
