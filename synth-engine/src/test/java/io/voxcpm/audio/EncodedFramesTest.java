package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedFramesTest {

    @Test
    void holdsWhatTheEncoderEmittedFrameByFrame() {
        TelephonyEncoder encoder = new TelephonyEncoder(48000, TelephonyFormat.PCMA_8K, 20);
        short[] tone = new short[48000 / 2];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
        }
        List<byte[]> emitted = new ArrayList<>();
        encoder.write(tone, 0, tone.length, emitted::add);
        encoder.finish(emitted::add);

        EncodedFrames frames = EncodedFrames.of(TelephonyFormat.PCMA_8K, 20, emitted);

        assertThat(frames.count()).isEqualTo(emitted.size()).isEqualTo(25);
        assertThat(frames.frameBytes()).isEqualTo(160);
        assertThat(frames.sizeBytes()).isEqualTo(25 * 160);
        ByteBuffer packet = ByteBuffer.allocateDirect(12 + 160);
        for (int i = 0; i < frames.count(); i++) {
            assertThat(frames.frame(i)).isEqualTo(emitted.get(i));
            packet.clear().position(12);
            frames.copyFrame(i, packet);
            assertThat(packet.position()).isEqualTo(172);
            byte[] copied = new byte[160];
            packet.position(12);
            packet.get(copied);
            assertThat(copied).isEqualTo(emitted.get(i));
        }
        emitted.get(0)[0] ^= 1;
        assertThat(frames.frame(0)).as("a copy, not a view").isNotEqualTo(emitted.get(0));
    }

    @Test
    void refusesFramesOfAnotherSizeAndIndexesOutOfRange() {
        assertThatThrownBy(() -> EncodedFrames.of(TelephonyFormat.L16_8K, 20, List.of(new byte[160])))
                .isInstanceOf(IllegalArgumentException.class);
        EncodedFrames frames = EncodedFrames.of(TelephonyFormat.PCMU_8K, 20, List.of(new byte[160]));
        assertThatThrownBy(() -> frames.frame(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> frames.copyFrame(-1, ByteBuffer.allocate(160)))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
