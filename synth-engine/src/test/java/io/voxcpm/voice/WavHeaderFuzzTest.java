package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@code voices add} reads WAV files an operator was handed by someone else: whatever the header says,
 * reading one either succeeds or fails with {@link InvalidRecordingException} and a message (shown
 * without a stack trace), never another exception, and never allocates what the header claims rather
 * than what the file holds.
 */
class WavHeaderFuzzTest {

    private static final byte[] VALID = TestWavs.sine(16_000, 1, 16, false, 2.0, 220, 0.3);

    @Property(tries = 3000)
    void anyCorruptionOfTheFirstBytesIsAnInvalidRecordingOrAVoice(@ForAll("corruptions") byte[] file) {
        readsOrRefuses(file);
    }

    @Property(tries = 500)
    void aTruncatedFileIsAnInvalidRecordingOrAVoice(@ForAll @IntRange(min = 0, max = 20_000) int length) {
        readsOrRefuses(Arrays.copyOf(VALID, Math.min(length, VALID.length)));
    }

    @Test
    void aChunkSizeNearFourGigabytesDoesNotWrapTheParser() {
        byte[] file = Arrays.copyOf(VALID, VALID.length);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(12 + 4, 0x7FFF_FFF0); // 'fmt ' claims ~2 GiB: the next chunk id would be past Integer.MAX_VALUE
        assertThatThrownBy(() -> Recording.fromWav(file, "x.wav")).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("fmt ");
        b.putInt(12 + 4, 0xFFFF_FFF7);
        assertThatThrownBy(() -> Recording.fromWav(file, "x.wav")).isInstanceOf(InvalidRecordingException.class);
    }

    @Test
    void aZeroBlockAlignIsRefusedWithAMessage() {
        byte[] file = Arrays.copyOf(VALID, VALID.length);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(20 + 12, (short) 0);
        assertThatThrownBy(() -> Recording.fromWav(file, "x.wav")).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("x.wav");
    }

    @Test
    void oddSampleRatesAreConvertedOrRefusedQuickly() {
        for (int rate : new int[] {8_001, 44_099, 96_001, 383_999, 384_000}) {
            byte[] file = TestWavs.sine(rate, 1, 16, false, 1.5, 220, 0.3);
            long start = System.nanoTime();
            readsOrRefuses(file);
            assertThat((System.nanoTime() - start) / 1_000_000).as("%d Hz", rate).isLessThan(20_000);
        }
    }

    private static void readsOrRefuses(byte[] file) {
        try {
            Recording r = Recording.fromWav(file, "fuzz.wav");
            assertThat(r.durationSeconds()).isBetween(Recording.MIN_SECONDS - 0.01, Recording.MAX_SECONDS + 0.01);
        } catch (InvalidRecordingException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<byte[]> corruptions() {
        Arbitrary<Integer> offset = Arbitraries.integers().between(0, 63);
        Arbitrary<Integer> value = Arbitraries.integers().between(0, 255);
        Arbitrary<int[]> edit = Arbitraries.integers().between(0, 1).flatMap(kind -> kind == 0
                ? offset.flatMap(o -> value.map(v -> new int[] {o, v, 1}))
                : Arbitraries.integers().between(0, 60).flatMap(o -> Arbitraries.of(0, 1, 2, 0x7FFF, 0xFFFF, 0x7FFF_FFFF,
                        0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFE, 16, 40, 44_100, 48_000).map(v -> new int[] {o, v, 4})));
        return edit.list().ofMinSize(1).ofMaxSize(6).map(edits -> {
            byte[] f = Arrays.copyOf(VALID, VALID.length);
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] e : edits) {
                if (e[2] == 1) {
                    f[e[0]] = (byte) e[1];
                } else {
                    b.putInt(e[0], e[1]);
                }
            }
            return f;
        });
    }
}
