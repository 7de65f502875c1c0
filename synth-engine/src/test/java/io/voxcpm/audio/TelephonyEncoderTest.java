package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TelephonyEncoderTest {

    @ParameterizedTest(name = "{0} Hz -> {1}/{2} at {3} ms")
    @CsvSource({
        "48000, PCMU, 8000, 20, 160", "48000, PCMA, 8000, 20, 160", "48000, L16, 8000, 20, 320",
        "48000, L16, 16000, 20, 640", "48000, PCMU, 8000, 30, 240", "22050, PCMA, 8000, 10, 80",
        "16000, L16, 16000, 20, 640", "48000, G722, 16000, 20, 160", "16000, G722, 16000, 30, 240"})
    void everyFrameHasExactlyThePtimeSizeAndDurationIsKept(int inRate, Encoding encoding, int outRate, int ptime,
                                                           int frameBytes) {
        TelephonyFormat format = new TelephonyFormat(encoding, outRate);
        assertThat(format.bytesPerFrame(ptime)).isEqualTo(frameBytes);
        TelephonyEncoder encoder = new TelephonyEncoder(inRate, format, ptime);
        short[] pcm = Signals.speechLike(inRate, inRate * 3 / 2 + 123, 1); // 1.5 s and a bit: a partial last frame
        List<byte[]> frames = new ArrayList<>();
        Random random = new Random(9);
        for (int off = 0; off < pcm.length; ) {
            int len = Math.min(pcm.length - off, random.nextInt(3000));
            encoder.write(pcm, off, len, frames::add);
            off += len;
        }
        encoder.finish(frames::add);

        assertThat(frames).allSatisfy(f -> assertThat(f).hasSize(frameBytes));
        assertThat(encoder.samplesIn()).isEqualTo(pcm.length);
        assertThat(encoder.framesOut()).isEqualTo(frames.size());
        double inSeconds = (double) pcm.length / inRate;
        double outSeconds = frames.size() * ptime / 1000.0;
        assertThat(outSeconds).isBetween(inSeconds, inSeconds + ptime / 1000.0);
        assertThat(frames).doesNotHaveDuplicates(); // fresh arrays, by identity
    }

    @Test
    void l16IsBigEndian() {
        TelephonyEncoder encoder = new TelephonyEncoder(8000, TelephonyFormat.L16_8K, 20);
        short[] pcm = new short[160];
        pcm[0] = 0x1234;
        pcm[1] = (short) 0xFF80;
        pcm[159] = -2;
        List<byte[]> frames = new ArrayList<>();
        encoder.write(pcm, 0, pcm.length, frames::add);

        assertThat(frames).hasSize(1);
        byte[] f = frames.get(0);
        assertThat(Arrays.copyOfRange(f, 0, 4)).containsExactly(0x12, 0x34, 0xFF, 0x80);
        assertThat(Arrays.copyOfRange(f, 318, 320)).containsExactly(0xFF, 0xFE);
    }

    @ParameterizedTest
    @CsvSource({"PCMU, -1", "PCMA, -43", "L16, 0"})
    void lastFrameIsPaddedWithTheEncodingsSilence(Encoding encoding, byte silence) {
        TelephonyFormat format = new TelephonyFormat(encoding, 8000);
        TelephonyEncoder encoder = new TelephonyEncoder(8000, format, 20);
        short[] pcm = new short[100];
        Arrays.fill(pcm, (short) 12000);
        List<byte[]> frames = new ArrayList<>();
        encoder.write(pcm, 0, pcm.length, frames::add);
        assertThat(frames).isEmpty();

        encoder.finish(frames::add);

        assertThat(frames).hasSize(1);
        byte[] f = frames.get(0);
        int bps = format.bytesPerSample();
        for (int i = 0; i < 100 * bps; i++) {
            assertThat(f[i]).as("byte %d", i).isNotEqualTo(silence);
        }
        for (int i = 100 * bps; i < f.length; i++) {
            assertThat(f[i]).as("byte %d", i).isEqualTo(silence);
        }
    }

    @Test
    void g711FramesCarryTheCodecOfTheResampledSignal() {
        short[] pcm = Signals.speechLike(8000, 1600, 4);
        TelephonyEncoder ulaw = new TelephonyEncoder(8000, TelephonyFormat.PCMU_8K, 20);
        TelephonyEncoder alaw = new TelephonyEncoder(8000, TelephonyFormat.PCMA_8K, 20);
        List<byte[]> u = new ArrayList<>();
        List<byte[]> a = new ArrayList<>();
        ulaw.write(pcm, 0, pcm.length, u::add);
        alaw.write(pcm, 0, pcm.length, a::add);

        assertThat(u).hasSize(10);
        for (int i = 0; i < pcm.length; i++) {
            assertThat(u.get(i / 160)[i % 160]).isEqualTo(G711.linearToUlaw(pcm[i]));
            assertThat(a.get(i / 160)[i % 160]).isEqualTo(G711.linearToAlaw(pcm[i]));
        }
    }

    /**
     * G.722 frames are one continuous code stream (the ADPCM state runs across packets): the same octets
     * as coding the whole resampled signal at once, and the last partial frame is completed by coding
     * zero samples, not by a silence byte.
     */
    @Test
    void g722FramesAreOneContinuousCodeStream() {
        short[] pcm = Signals.speechLike(48000, 48000 + 5280, 6); // 1.11 s: the last frame is half full
        TelephonyEncoder encoder = new TelephonyEncoder(48000, TelephonyFormat.G722_16K, 20);
        List<byte[]> frames = new ArrayList<>();
        for (int off = 0; off < pcm.length; off += 700) {
            encoder.write(pcm, off, Math.min(700, pcm.length - off), frames::add);
        }
        encoder.finish(frames::add);

        short[] wide = Signals.resample(pcm, 48000, 16000);
        short[] padded = Arrays.copyOf(wide, frames.size() * 320);
        byte[] expected = new byte[padded.length / 2];
        new G722Encoder().encode(padded, 0, padded.length, expected, 0);
        assertThat(frames).hasSize(56);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i)).as("frame %d", i).isEqualTo(Arrays.copyOfRange(expected, i * 160, i * 160 + 160));
        }
    }

    @Test
    void g722SamplesAt16kHzOnAn8kHzRtpClock() {
        TelephonyFormat g722 = TelephonyFormat.G722_16K;
        assertThat(g722.samplesPerFrame(20)).isEqualTo(320);
        assertThat(g722.bytesPerFrame(20)).isEqualTo(160);
        assertThat(g722.rtpClockRate()).isEqualTo(8000);
        assertThat(TelephonyFormat.L16_16K.rtpClockRate()).isEqualTo(16000);
        assertThat(g722.bitsPerSample()).isEqualTo(4);
        assertThatThrownBy(g722::bytesPerSample).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new TelephonyFormat(Encoding.G722, 8000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void finishWithNothingPendingEmitsNothing() {
        TelephonyEncoder encoder = new TelephonyEncoder(48000, TelephonyFormat.PCMU_8K, 20);
        List<byte[]> frames = new ArrayList<>();
        encoder.finish(frames::add);
        assertThat(frames).isEmpty();
        encoder.write(new short[960], 0, 960, frames::add);
        encoder.finish(frames::add);
        assertThat(frames).hasSize(1); // 960 samples at 48 kHz are exactly one 20 ms frame
    }

    @Test
    void formatRejectsPtimeWithoutWholeSamples() {
        assertThatThrownBy(() -> new TelephonyFormat(Encoding.L16, 22050).samplesPerFrame(10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TelephonyFormat.PCMA_8K.silenceFrame(20)).hasSize(160).containsOnly((byte) 0xD5);
        assertThat(TelephonyFormat.L16_16K.bytesPerFrame(20)).isEqualTo(640);
    }
}
