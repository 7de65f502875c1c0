package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.mrcp.message.MrcpHeaders;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What of a SPEAK's and a session's vendor parameters reaches the engine request (and so the cache key). */
class SpeakParametersTest {

    @Test
    void unknownVendorParametersNeverReachTheEngineRequest() {
        MrcpHeaders session = MrcpHeaders.builder()
                .add("Vendor-Specific-Parameters", "cfg-value=2.0;x-campaign=spring;session_id=forged").build();
        MrcpHeaders speak = MrcpHeaders.builder()
                .add("Vendor-Specific-Parameters", "inference_timesteps=12;tracking=abc123;voice-description=calm")
                .build();
        Map<String, String> parameters = SpeakParameters.defaults(speak, session).parameters();
        // the session tag is not a parameter at all (it travels in the request's context): a forged one is dropped
        assertThat(parameters).containsOnly(Map.entry("cfg_value", "2.0"), Map.entry("inference_timesteps", "12"),
                Map.entry("voice-description", "calm"));
    }

    @Test
    void twoSpeaksThatDifferOnlyInUnknownNamesAskForTheSameSynthesis() {
        MrcpHeaders a = MrcpHeaders.builder().add("Vendor-Specific-Parameters", "seed=7;nonce=1").build();
        MrcpHeaders b = MrcpHeaders.builder().add("Vendor-Specific-Parameters", "seed=7;nonce=2").build();
        assertThat(SpeakParameters.defaults(a, MrcpHeaders.empty()))
                .isEqualTo(SpeakParameters.defaults(b, MrcpHeaders.empty()));
    }

    @Test
    void aVendorRateIsTheProsodyRateWhenNoHeaderSetsOne() {
        MrcpHeaders vendorOnly = MrcpHeaders.builder().add("Vendor-Specific-Parameters", "rate=fast").build();
        assertThat(SpeakParameters.defaults(vendorOnly, MrcpHeaders.empty()).rate()).isEqualTo("fast");
        assertThat(SpeakParameters.defaults(vendorOnly, MrcpHeaders.empty()).parameters()).doesNotContainKey("rate");
        MrcpHeaders both = MrcpHeaders.builder().add("Prosody-Rate", "slow")
                .add("Vendor-Specific-Parameters", "rate=fast").build();
        assertThat(SpeakParameters.defaults(both, MrcpHeaders.empty()).rate()).isEqualTo("slow");
    }
}
