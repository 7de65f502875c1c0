package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.engine.Availability;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineStatusTest {

    @Test
    void readyIsTwoTokensAfterTheSessionsOwnParameters() {
        assertThat(EngineStatus.appendTo("speech-markers=false", Availability.ready("voxcpm2")))
                .isEqualTo("speech-markers=false;engine=voxcpm2;engine-status=ok");
        assertThat(EngineStatus.appendTo(null, Availability.ready("voxcpm2"))).isEqualTo("engine=voxcpm2;engine-status=ok");
    }

    @Test
    void aReasonIsOneQuotedStringThatTheVendorParameterParserReadsBack() {
        String value = EngineStatus.appendTo("a=b", new Availability(Availability.State.FALLBACK, "embedded-marytts",
                "voxcpm2 unavailable: \"odd\"; reason\r\nwith lines"));
        Map<String, String> read = HeaderValues.vendorParameters(MrcpHeaders.builder()
                .add(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, value).build());
        assertThat(read).containsEntry("a", "b").containsEntry("engine", "embedded-marytts")
                .containsEntry("engine-status", "fallback")
                .containsEntry("engine-reason", "voxcpm2 unavailable: odd reason with lines");
    }

    @Test
    void aLongReasonIsClippedAndTheLineStaysShortEnoughToEcho() {
        String value = EngineStatus.appendTo("x=" + "y".repeat(800),
                Availability.unavailable("voxcpm2", "r".repeat(1000)));
        assertThat(HeaderValues.fitsOneLine(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, value)).isTrue();
        assertThat(value).startsWith("engine=voxcpm2;engine-status=unavailable;engine-reason=\"rrr").endsWith("...\"");
    }
}
