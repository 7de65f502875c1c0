package io.voxcpm.audio.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.voxcpm.audio.G711;

/** G.711 cost per 20 ms frame at 8 kHz (160 samples). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class G711Benchmark {

    private final short[] pcm = new short[160];
    private final byte[] codes = new byte[160];
    private final short[] decoded = new short[160];

    @Setup
    public void setUp() {
        Random random = new Random(2);
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (6000 * random.nextGaussian());
        }
        G711.encodeUlaw(pcm, 0, pcm.length, codes, 0);
    }

    @Benchmark
    public byte[] ulawEncodeFrame() {
        G711.encodeUlaw(pcm, 0, pcm.length, codes, 0);
        return codes;
    }

    @Benchmark
    public byte[] alawEncodeFrame() {
        G711.encodeAlaw(pcm, 0, pcm.length, codes, 0);
        return codes;
    }

    @Benchmark
    public short[] ulawDecodeFrame() {
        for (int i = 0; i < codes.length; i++) {
            decoded[i] = G711.ulawToLinear(codes[i]);
        }
        return decoded;
    }
}
