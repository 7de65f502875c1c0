package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.voxcpm.voice.WavFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.voxcpm.audio.Ffmpeg;

class WavFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = OutputFormat.class, mode = EnumSource.Mode.EXCLUDE, names = "G722")
    void soxReadsEachFormatAsWritten(OutputFormat format) throws Exception {
        SoxInfo.assumeAvailable();
        short[] pcm = new short[48000 * 3 / 2 + 7]; // odd length: exercises the pad byte for G.711
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (10000 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
        }
        byte[] wav = format.file(pcm, 48000);
        Path file = dir.resolve(format.id() + ".wav");
        WavFile.write(file, wav);

        SoxInfo info = SoxInfo.of(file);
        int rate = format.sampleRate(48000);
        assertThat(info.sampleRate()).isEqualTo(rate);
        assertThat(info.channels()).isEqualTo(1);
        assertThat(info.encoding()).isEqualTo(switch (format) {
            case ULAW8K -> "u-law";
            case ALAW8K -> "A-law";
            default -> "Signed Integer PCM";
        });
        assertThat(info.bits()).isEqualTo(format == OutputFormat.ULAW8K || format == OutputFormat.ALAW8K ? 8 : 16);
        assertThat(info.seconds()).isCloseTo(pcm.length / 48000.0, within(1.0 / rate));
        // RIFF size must match the file, or strict readers stop early
        assertThat(ByteBuffer.wrap(wav, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(wav.length - 8);
    }

    /** g722 is a raw .g722 file: one octet per two 16 kHz samples, which ffmpeg decodes back to the tone. */
    @Test
    void g722IsARawFileFfmpegDecodes() throws Exception {
        Ffmpeg.assumeAvailable();
        short[] pcm = new short[48000 + 3]; // 16 001 samples at 16 kHz: the odd one is paired with silence
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (10000 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
        }
        assertThat(OutputFormat.G722.extension()).isEqualTo("g722");
        byte[] file = OutputFormat.G722.file(pcm, 48000);
        assertThat(file).hasSize(8001);

        short[] decoded = Ffmpeg.decodeG722(file);
        assertThat(decoded).hasSize(16002);
        double sum = 0;
        for (int i = 4000; i < 12000; i++) {
            sum += (double) decoded[i] * decoded[i];
        }
        // a 10 000-peak sine has an RMS of 7071
        assertThat(Math.sqrt(sum / 8000)).isCloseTo(7071, within(500.0));
    }
}
