package io.voxcpm.audio.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.voxcpm.audio.Resampler;
import io.voxcpm.audio.TelephonyEncoder;
import io.voxcpm.audio.TelephonyFormat;

/**
 * Resampling cost: one 20 ms frame of a running stream (what each RTP tick pays) and a 60 s file
 * in 20 ms chunks. Real-time factor = audio duration / time: 20 ms / (µs per frame).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResamplerBenchmark {

    @Param({"48000:8000", "48000:16000", "44100:16000", "22050:8000"})
    public String rates;

    private int inRate;
    private int outRate;
    private short[] frame;
    private short[] file;
    private Resampler stream;
    private TelephonyEncoder encoder;

    @Setup(Level.Trial)
    public void setUp() {
        String[] r = rates.split(":");
        inRate = Integer.parseInt(r[0]);
        outRate = Integer.parseInt(r[1]);
        Random random = new Random(1);
        file = new short[inRate * 60];
        for (int i = 0; i < file.length; i++) {
            file[i] = (short) (8000 * Math.sin(i * 0.05) + 2000 * random.nextGaussian());
        }
        frame = java.util.Arrays.copyOf(file, inRate / 50);
        stream = Resampler.of(inRate, outRate);
        encoder = new TelephonyEncoder(inRate, TelephonyFormat.PCMU_8K, 20);
    }

    @Benchmark
    public short[] frame20ms() {
        return stream.process(frame, 0, frame.length);
    }

    /** Resample, µ-law encode and frame: the whole per-packet path to 8 kHz PCMU. */
    @Benchmark
    public long encodePcmuFrame20ms() {
        encoder.write(frame, 0, frame.length, f -> { });
        return encoder.framesOut();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int file60s() {
        Resampler r = Resampler.of(inRate, outRate);
        int chunk = inRate / 50;
        int n = 0;
        for (int off = 0; off < file.length; off += chunk) {
            n += r.process(file, off, Math.min(chunk, file.length - off)).length;
        }
        return n + r.flush().length;
    }
}
