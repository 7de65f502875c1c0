package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.mrcp.message.MrcpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderValuesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Voice-Age|25", "voice-age| 7 ", "Voice-Gender|FEMALE", "Kill-On-Barge-In|False", "Prosody-Rate|x-fast",
            "Prosody-Rate|1.5", "Prosody-Rate|+20%", "Prosody-Volume|-6dB", "Prosody-Volume|80",
            "Speech-Language|zh-cn", "Speech-Language|de-CH-1996", "Jump-Size|-3 Second", "Jump-Size|+2 words",
            "Jump-Size|intro Tag", "Speak-Length|10 Sentence", "Fetch-Hint|safe", "Audio-Fetch-Hint|stream",
            "X-Whatever|anything at all"})
    void acceptsEveryValueOfTheGrammarLeniently(String name, String value) throws Exception {
        HeaderValues.check(MrcpHeaders.builder().add(name, value).build());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Voice-Age|twenty", "Voice-Age|-1", "Voice-Variant|1.5", "Voice-Gender|other", "Kill-On-Barge-In|yes",
            "Prosody-Rate|fastest", "Prosody-Volume|loud!", "Speech-Language|en_US", "Speech-Language|e n",
            "Jump-Size|3", "Jump-Size|+3 Minutes", "Fetch-Hint|stream", "Fetch-Timeout|soon"})
    void refusesValuesOutsideTheGrammarNamingHeaderAndValue(String name, String value) {
        assertThatThrownBy(() -> HeaderValues.check(MrcpHeaders.builder().add(name, value).build()))
                .isInstanceOf(HeaderValues.IllegalValue.class)
                .hasMessageContaining(name).hasMessageContaining(value.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"+9999999999999999999 Second", "-9223372036854775808 Word",
            "1000000000 Paragraph"})
    void aJumpSizeBeyondNineDigitsIsAnIllegalValueNotAnOverflow(String value) {
        assertThatThrownBy(() -> HeaderValues.check(MrcpHeaders.builder().add("Jump-Size", value).build()))
                .isInstanceOf(HeaderValues.IllegalValue.class).hasMessageContaining("Jump-Size");
    }

    @Test
    void aLongBlankJumpSizeIsRefusedInLinearTime() throws Exception {
        // the old "(\\S.*?)\\s+tag" took about 200 ms per 8 KiB and grew with the square: 64 KiB took seconds
        String hostile = "a" + " ".repeat(64 * 1024) + "b";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () ->
                assertThatThrownBy(() -> HeaderValues.check(MrcpHeaders.builder().add("Jump-Size", hostile).build()))
                        .isInstanceOf(HeaderValues.IllegalValue.class));
        assertThat(HeaderValues.speechLength("Jump-Size", "a b  TAG").tag()).isEqualTo("a b");
    }

    @Test
    void readsJumpSizesAndVendorParameters() throws Exception {
        assertThat(HeaderValues.speechLength("Jump-Size", "-12 second"))
                .isEqualTo(new HeaderValues.SpeechLength(-12, HeaderValues.SpeechLength.Unit.SECOND, null));
        assertThat(HeaderValues.speechLength("Jump-Size", "chapter-2 Tag").tag()).isEqualTo("chapter-2");
        MrcpHeaders h = MrcpHeaders.builder()
                .add("Vendor-Specific-Parameters", "Voice=\"anna\"; cfg_value=2.0;junk;=x")
                .add("vendor-specific-parameters", "speech-markers=true").build();
        assertThat(HeaderValues.vendorParameters(h))
                .containsEntry("voice", "anna").containsEntry("cfg_value", "2.0")
                .containsEntry("speech-markers", "true").hasSize(3);
    }
}
