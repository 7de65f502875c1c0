package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PcmDecoderTest {

    @Property
    void anySplitOfTheByteStreamYieldsTheSameSamples(
            @ForAll @Size(max = 600) List<Short> samples, @ForAll @IntRange(min = 1, max = 50) int maxPiece,
            @ForAll long seed) {
        ByteBuffer all = ByteBuffer.allocate(samples.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
        samples.forEach(all::putShort);
        byte[] bytes = all.array();
        Random random = new Random(seed);
        PcmDecoder decoder = new PcmDecoder();
        List<Short> decoded = new ArrayList<>();
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(1 + random.nextInt(maxPiece), bytes.length - at);
            // Sometimes hand the piece over as two buffers in one read, as the HTTP client does.
            int cut = n > 1 && random.nextBoolean() ? 1 + random.nextInt(n - 1) : n;
            List<ByteBuffer> read = cut == n ? List.of(ByteBuffer.wrap(bytes, at, n))
                    : List.of(ByteBuffer.wrap(bytes, at, cut), ByteBuffer.wrap(bytes, at + cut, n - cut));
            for (short s : decoder.decode(read)) {
                decoded.add(s);
            }
            at += n;
        }
        assertThat(decoded).isEqualTo(samples);
        assertThat(decoder.hasDanglingByte()).isFalse();
    }

    @Property
    void anOddTotalLeavesADanglingByte(@ForAll @IntRange(min = 0, max = 100) int samples) {
        PcmDecoder decoder = new PcmDecoder();
        short[] out = decoder.decode(ByteBuffer.wrap(new byte[samples * 2 + 1]));
        assertThat(out).hasSize(samples);
        assertThat(decoder.hasDanglingByte()).isTrue();
    }
}
