package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class G711PropertiesTest {

    @Example
    void everyAlawCodeSurvivesDecodeAndEncode() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            assertThat(G711.linearToAlaw(G711.alawToLinear(code))).isEqualTo(code);
        }
    }

    @Example
    void everyUlawCodeButNegativeZeroSurvivesDecodeAndEncode() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            byte expected = c == 0x7F ? (byte) 0xFF : code; // -0 and +0 both decode to 0, which codes as +0
            assertThat(G711.linearToUlaw(G711.ulawToLinear(code))).as("code 0x%02x", c).isEqualTo(expected);
        }
    }

    @Example
    void silenceEncodesToTheFormatsSilenceByte() {
        assertThat(G711.linearToUlaw((short) 0)).isEqualTo(TelephonyFormat.PCMU_8K.silenceByte());
        assertThat(G711.linearToAlaw((short) 0)).isEqualTo(TelephonyFormat.PCMA_8K.silenceByte());
    }

    /** Logarithmic quantisation: the error grows with the level, about 1/32 of it (4 bits of mantissa). */
    @Property
    void quantisationErrorIsBoundedRelativeToLevel(@ForAll short s) {
        int bound = Math.abs(s) / 32 + 16;
        assertThat(Math.abs(s - G711.ulawToLinear(G711.linearToUlaw(s)))).isLessThanOrEqualTo(bound);
        assertThat(Math.abs(s - G711.alawToLinear(G711.linearToAlaw(s)))).isLessThanOrEqualTo(bound);
    }

    @Property
    void quantisationIsMonotonic(@ForAll short a, @ForAll short b) {
        short lo = (short) Math.min(a, b);
        short hi = (short) Math.max(a, b);
        assertThat(G711.ulawToLinear(G711.linearToUlaw(lo))).isLessThanOrEqualTo(G711.ulawToLinear(G711.linearToUlaw(hi)));
        assertThat(G711.alawToLinear(G711.linearToAlaw(lo))).isLessThanOrEqualTo(G711.alawToLinear(G711.linearToAlaw(hi)));
    }

    @Property
    void decodedValuesAreFixedPoints(@ForAll short s) {
        short u = G711.ulawToLinear(G711.linearToUlaw(s));
        short a = G711.alawToLinear(G711.linearToAlaw(s));
        assertThat(G711.ulawToLinear(G711.linearToUlaw(u))).isEqualTo(u);
        assertThat(G711.alawToLinear(G711.linearToAlaw(a))).isEqualTo(a);
    }
}
