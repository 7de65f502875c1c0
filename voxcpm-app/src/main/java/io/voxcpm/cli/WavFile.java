package io.voxcpm.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Mono WAV files as Asterisk and FreeSWITCH (libsndfile) read them: 16-bit PCM (format tag 1), or G.711
 * µ-law (7) / A-law (6) at 8 bits with the {@code fact} chunk that non-PCM WAVE formats must carry.
 */
public final class WavFile {

    static final short WAVE_FORMAT_PCM = 1;
    static final short WAVE_FORMAT_ALAW = 6;
    static final short WAVE_FORMAT_MULAW = 7;

    private WavFile() {
    }

    /** A WAV of 16-bit samples. */
    public static byte[] pcm16(short[] samples, int sampleRate) {
        ByteBuffer data = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        data.asShortBuffer().put(samples);
        return build(WAVE_FORMAT_PCM, sampleRate, 16, samples.length, data.array());
    }

    /** A WAV of G.711 codes, one byte per sample; {@code formatTag} is µ-law (7) or A-law (6). */
    static byte[] g711(short formatTag, byte[] codes, int sampleRate) {
        return build(formatTag, sampleRate, 8, codes.length, codes);
    }

    /** Writes {@code bytes} to a temp file beside {@code file} and renames it, so no reader sees half a file. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".part");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] build(short formatTag, int sampleRate, int bits, int frames, byte[] data) {
        boolean pcm = formatTag == WAVE_FORMAT_PCM;
        int fmtSize = pcm ? 16 : 18; // non-PCM formats carry cbSize
        int pad = data.length & 1;
        int size = 4 + (8 + fmtSize) + (pcm ? 0 : 12) + 8 + data.length + pad;
        int blockAlign = bits / 8;
        ByteBuffer b = ByteBuffer.allocate(8 + size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(size).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtSize).putShort(formatTag).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        if (!pcm) {
            b.putShort((short) 0);
            b.put(ascii("fact")).putInt(4).putInt(frames);
        }
        b.put(ascii("data")).putInt(data.length).put(data);
        return b.array(); // the pad byte, if any, is already zero
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
