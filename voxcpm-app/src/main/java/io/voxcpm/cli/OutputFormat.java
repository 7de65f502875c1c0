package io.voxcpm.cli;

import io.voxcpm.audio.G711;
import io.voxcpm.audio.G722Encoder;
import io.voxcpm.audio.Resampler;
import io.voxcpm.voice.WavFile;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The files {@code say} and {@code render} write, named as on their command lines. */
enum OutputFormat {
    /** G.711 µ-law, 8 kHz WAV. */
    ULAW8K("ulaw8k", 8000),
    /** G.711 A-law, 8 kHz WAV. */
    ALAW8K("alaw8k", 8000),
    /** 16-bit linear, 8 kHz WAV (Asterisk's {@code .wav}). */
    PCM8K("pcm8k", 8000),
    /** 16-bit linear, 16 kHz WAV (Asterisk's {@code .wav16}). */
    PCM16K("pcm16k", 16000),
    /** 16-bit linear at the engine's own rate (48 kHz for VoxCPM2 and the embedded voice). */
    NATIVE("native", 0),
    /**
     * G.722 at 64 kbit/s, 16 kHz, as a raw {@code .g722} file of octets: no WAV tag for G.722 is read by
     * PBXs, and FreeSWITCH and Asterisk play raw {@code .g722} files by their extension.
     */
    G722("g722", 16000);

    private final String id;
    private final int sampleRate;

    OutputFormat(String id, int sampleRate) {
        this.id = id;
        this.sampleRate = sampleRate;
    }

    public String id() {
        return id;
    }

    /** The file's sample rate for audio from an engine at {@code engineRate}. */
    public int sampleRate(int engineRate) {
        return sampleRate == 0 ? engineRate : sampleRate;
    }

    /** The file name extension: {@code g722} for raw G.722, else {@code wav}. */
    public String extension() {
        return this == G722 ? "g722" : "wav";
    }

    /**
     * The file's bytes: {@code pcm} (at {@code engineRate}) resampled once and encoded in this format, as
     * a WAV file or, for {@link #G722}, raw octets (an odd last sample is paired with silence).
     */
    public byte[] file(short[] pcm, int engineRate) {
        int rate = sampleRate(engineRate);
        Resampler resampler = Resampler.of(engineRate, rate);
        short[] head = resampler.process(pcm);
        short[] tail = resampler.flush();
        short[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return switch (this) {
            case ULAW8K, ALAW8K -> {
                byte[] codes = new byte[out.length];
                if (this == ULAW8K) {
                    G711.encodeUlaw(out, 0, out.length, codes, 0);
                } else {
                    G711.encodeAlaw(out, 0, out.length, codes, 0);
                }
                yield WavFile.g711(this == ULAW8K ? WavFile.WAVE_FORMAT_MULAW : WavFile.WAVE_FORMAT_ALAW, codes, rate);
            }
            case PCM8K, PCM16K, NATIVE -> WavFile.pcm16(out, rate);
            case G722 -> {
                short[] even = out.length % 2 == 0 ? out : Arrays.copyOf(out, out.length + 1);
                byte[] octets = new byte[even.length / 2];
                new G722Encoder().encode(even, 0, even.length, octets, 0);
                yield octets;
            }
        };
    }

    /** The format named {@code id}, case-insensitively. */
    public static OutputFormat parse(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (f.id.equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + id + "'; expected one of " + ids());
    }

    static String ids() {
        return Arrays.stream(values()).map(OutputFormat::id).collect(Collectors.joining(", "));
    }
}
