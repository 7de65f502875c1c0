package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our G.711 against sox, byte for byte, on every 16-bit value and on speech-like audio. */
class G711SoxTest {

    private static final List<String> LINEAR_IN =
            List.of("-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1", "-L");

    private static short[] input;

    @BeforeAll
    static void signal() {
        Sox.assumeAvailable();
        short[] sweep = new short[65536];
        for (int i = 0; i < sweep.length; i++) {
            sweep[i] = (short) (i - 32768);
        }
        input = Signals.concat(sweep, Signals.speechLike(8000, 8000 * 5, 7));
    }

    @Test
    void ulawEncodingMatchesSox() throws IOException {
        byte[] sox = Sox.run(Sox.toLittleEndian(input), LINEAR_IN, List.of("-t", "raw", "-e", "u-law", "-b", "8"));
        byte[] ours = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            ours[i] = G711.linearToUlaw(input[i]);
        }
        assertSameBytes(ours, sox);
    }

    @Test
    void alawEncodingMatchesSox() throws IOException {
        byte[] sox = Sox.run(Sox.toLittleEndian(input), LINEAR_IN, List.of("-t", "raw", "-e", "a-law", "-b", "8"));
        byte[] ours = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            ours[i] = G711.linearToAlaw(input[i]);
        }
        assertSameBytes(ours, sox);
    }

    @Test
    void bulkEncodersMatchPerSample() {
        byte[] u = new byte[input.length];
        byte[] a = new byte[input.length];
        G711.encodeUlaw(input, 0, input.length, u, 0);
        G711.encodeAlaw(input, 0, input.length, a, 0);
        for (int i = 0; i < input.length; i++) {
            assertThat(u[i]).isEqualTo(G711.linearToUlaw(input[i]));
            assertThat(a[i]).isEqualTo(G711.linearToAlaw(input[i]));
        }
    }

    @Test
    void ulawDecodingMatchesSox() throws IOException {
        byte[] codes = allCodesTwice();
        short[] sox = Sox.fromLittleEndian(Sox.run(codes,
                List.of("-t", "raw", "-r", "8000", "-e", "u-law", "-b", "8", "-c", "1"),
                List.of("-t", "raw", "-e", "signed", "-b", "16", "-L")));
        assertThat(sox).hasSize(codes.length);
        for (int i = 0; i < codes.length; i++) {
            assertThat(G711.ulawToLinear(codes[i])).as("code 0x%02x", codes[i] & 0xFF).isEqualTo(sox[i]);
        }
    }

    @Test
    void alawDecodingMatchesSox() throws IOException {
        byte[] codes = allCodesTwice();
        short[] sox = Sox.fromLittleEndian(Sox.run(codes,
                List.of("-t", "raw", "-r", "8000", "-e", "a-law", "-b", "8", "-c", "1"),
                List.of("-t", "raw", "-e", "signed", "-b", "16", "-L")));
        assertThat(sox).hasSize(codes.length);
        for (int i = 0; i < codes.length; i++) {
            assertThat(G711.alawToLinear(codes[i])).as("code 0x%02x", codes[i] & 0xFF).isEqualTo(sox[i]);
        }
    }

    /** Reports the first differing sample rather than dumping 100 000 bytes. */
    private static void assertSameBytes(byte[] ours, byte[] sox) {
        assertThat(ours).hasSameSizeAs(sox);
        for (int i = 0; i < ours.length; i++) {
            if (ours[i] != sox[i]) {
                assertThat(ours[i]).as("code for sample %d (index %d)", input[i], i).isEqualTo(sox[i]);
            }
        }
    }

    private static byte[] allCodesTwice() {
        byte[] codes = new byte[512];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (i * 37); // every code, in scrambled order, twice
        }
        return codes;
    }
}
