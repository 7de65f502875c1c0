package io.voxcpm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException.Reason;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationParametersTest {

    @Test
    void equalValuesAreOneValueWhateverTheirSpelling() throws Exception {
        GenerationParameters a = GenerationParameters.parse(Map.of("cfg_value", "2.00", "seed", " 7 "), "test");
        GenerationParameters b = GenerationParameters.parse(Map.of("cfg_value", "2", "seed", "7"), "test");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.asMap()).isEqualTo(Map.of("cfg_value", "2", "seed", "7"));
        assertThat(GenerationParameters.parse(Map.of("cfg_value", "10.0"), "test").asMap())
                .containsEntry("cfg_value", "10");
        assertThat(GenerationParameters.NONE.withRate(new BigDecimal("1.2500")).asMap()).isEqualTo(Map.of("rate", "1.25"));
    }

    @Test
    void blankValuesAndOtherNamesAreNotKnobs() throws Exception {
        assertThat(GenerationParameters.parse(Map.of("cfg_value", " ", "mode", "design", "cache", "bypass",
                "session_id", "abc"), "test")).isEqualTo(GenerationParameters.NONE);
    }

    @ParameterizedTest
    @CsvSource({
        "cfg_value, 0.09, must be a number from 0.1 to 10", "cfg_value, loud, must be a number",
        "inference_timesteps, 0, must be an integer from 1 to 100", "inference_timesteps, 101, from 1 to 100",
        "seed, 0, must be a positive integer", "seed, 99999999999999999999, positive integer",
        "max_length, 4097, must be an integer from 1 to 4096", "max_length, 2.5, from 1 to 4096",
    })
    void outOfRangeValuesAreRefusedNamingSourceNameValueAndRule(String name, String value, String rule) {
        assertThatThrownBy(() -> GenerationParameters.parse(Map.of(name, value), "SSML"))
                .isInstanceOfSatisfying(SynthesisException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST);
                    assertThat(e.getMessage()).startsWith("SSML " + name + "='" + value + "': ").contains(rule);
                });
    }

    @Test
    void aRecordMadeInCodeIsHeldToTheSameRanges() {
        assertThatThrownBy(() -> new GenerationParameters(null, 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inference_timesteps");
        assertThatThrownBy(() -> GenerationParameters.NONE.withSeed(0L)).hasMessageContaining("seed");
        assertThatThrownBy(() -> GenerationParameters.NONE.withRate(BigDecimal.ZERO)).hasMessageContaining("rate");
    }

    @Test
    void laterLayersOverrideValueByValue() {
        GenerationParameters server = new GenerationParameters(new BigDecimal("2"), 10, 1L, 2000, null);
        GenerationParameters request = new GenerationParameters(new BigDecimal("1.7"), null, 5L, null, null);
        assertThat(server.overriddenBy(request))
                .isEqualTo(new GenerationParameters(new BigDecimal("1.7"), 10, 5L, 2000, null));
        assertThat(server.overriddenBy(GenerationParameters.NONE)).isEqualTo(server);
    }

    @Test
    void theContextIsNotWhatIsSaid() {
        SynthesisRequest said = new SynthesisRequest("Hello", null, VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT,
                GenerationParameters.NONE);
        SynthesisRequest tagged = said.withContext(RequestContext.session("c0ffee"));
        assertThat(tagged.context().tagOrDash()).isEqualTo("c0ffee");
        assertThat(said.context()).isEqualTo(RequestContext.NONE);
        assertThat(said.context().tagOrDash()).isEqualTo("-");
        assertThat(RequestContext.CachePolicy.fromParameter(" BYPASS ")).isEqualTo(RequestContext.CachePolicy.BYPASS);
        assertThat(RequestContext.CachePolicy.fromParameter("no")).isEqualTo(RequestContext.CachePolicy.USE);
        assertThat(RequestContext.CachePolicy.fromParameter(null)).isEqualTo(RequestContext.CachePolicy.USE);
    }
}
