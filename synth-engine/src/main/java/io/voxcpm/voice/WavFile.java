package io.voxcpm.voice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * RIFF/WAVE, the one reader and writer: reads a client's recording into normalised samples (the voice
 * registry, package-private), and writes mono files as Asterisk and FreeSWITCH (libsndfile) read them:
 * 16-bit PCM (format tag 1) with the canonical 44-byte header, which is also the registry's one stored format,
 * or G.711 µ-law (7) / A-law (6) at 8 bits with the {@code fact} chunk that non-PCM WAVE formats must carry.
 */
public final class WavFile {

    public static final short WAVE_FORMAT_PCM = 1;
    public static final short WAVE_FORMAT_ALAW = 6;
    public static final short WAVE_FORMAT_MULAW = 7;
    private static final int FORMAT_FLOAT = 3;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    /**
     * Decoded audio.
     *
     * @param samples interleaved samples scaled to [-1, 1] (float files may exceed it)
     */
    record Decoded(int sampleRate, int channels, int bitsPerSample, boolean floating, long frames, float[] samples) {

        double durationSeconds() {
            return (double) frames / sampleRate;
        }

        String describe() {
            return sampleRate + " Hz " + (channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + "-channel")
                    + " " + bitsPerSample + "-bit " + (floating ? "float" : "PCM");
        }
    }

    /** The format fields and where the sample data lies, before decoding. */
    record Header(int format, int channels, int sampleRate, int blockAlign, int bitsPerSample, int dataOffset, int dataLength) {

        long frames() {
            return dataLength / blockAlign;
        }
    }

    private WavFile() {
    }

    static boolean looksLikeWav(byte[] b) {
        return b.length >= 12 && ascii(b, 0).equals("RIFF") && ascii(b, 8).equals("WAVE");
    }

    static Header header(byte[] file) throws InvalidRecordingException {
        if (!looksLikeWav(file)) {
            throw new InvalidRecordingException("not a WAV file (no RIFF/WAVE header)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 12; // long: a chunk size near 4 GiB must not wrap the position around
        int format = -1;
        int channels = 0;
        int rate = 0;
        int blockAlign = 0;
        int bits = 0;
        while (pos + 8 <= file.length) {
            String id = ascii(file, (int) pos);
            long size = Integer.toUnsignedLong(b.getInt((int) pos + 4));
            int body = (int) pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > file.length) {
                    throw new InvalidRecordingException("WAV file has a truncated 'fmt ' chunk");
                }
                format = Short.toUnsignedInt(b.getShort(body));
                channels = Short.toUnsignedInt(b.getShort(body + 2));
                rate = b.getInt(body + 4);
                blockAlign = Short.toUnsignedInt(b.getShort(body + 12));
                bits = Short.toUnsignedInt(b.getShort(body + 14));
                if (format == FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= file.length) {
                    // The sub-format GUID starts with the plain format code.
                    format = Short.toUnsignedInt(b.getShort(body + 24));
                }
            } else if (id.equals("data")) {
                if (format < 0) {
                    throw new InvalidRecordingException("WAV file has its 'data' chunk before 'fmt '; re-save it, e.g. sox in.wav out.wav");
                }
                // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what the file holds.
                long available = file.length - body;
                int length = (int) (size == 0 || size > available ? available : size);
                return new Header(format, channels, rate, blockAlign, bits, body, length);
            }
            if (body + size > file.length) {
                throw new InvalidRecordingException("WAV file's '" + printable(id) + "' chunk claims " + size
                        + " bytes, past the end of the " + file.length + "-byte file: it is truncated or damaged");
            }
            pos = body + size + (size & 1);
        }
        throw new InvalidRecordingException(format < 0 ? "WAV file has no 'fmt ' chunk" : "WAV file has no 'data' chunk (no audio)");
    }

    static Decoded decode(byte[] file, Header h) throws InvalidRecordingException {
        boolean floating = h.format() == FORMAT_FLOAT;
        if (h.format() != WAVE_FORMAT_PCM && !floating) {
            throw new InvalidRecordingException("WAV encoding " + formatName(h.format())
                    + " is not supported: use PCM 16/24/32-bit or 32-bit float, e.g. sox in.wav -e signed-integer -b 16 out.wav");
        }
        if (h.channels() < 1 || h.channels() > 2) {
            throw new InvalidRecordingException("recording has " + h.channels()
                    + " channels; use mono or stereo, e.g. sox in.wav -c 1 out.wav");
        }
        if (h.sampleRate() < 8000 || h.sampleRate() > 384_000) {
            throw new InvalidRecordingException("sample rate " + h.sampleRate() + " Hz is not usable: record at 8 kHz or more (16 kHz or higher is best)");
        }
        int bytes = h.bitsPerSample() / 8;
        boolean supported = floating ? (h.bitsPerSample() == 32 || h.bitsPerSample() == 64)
                : (h.bitsPerSample() == 8 || h.bitsPerSample() == 16 || h.bitsPerSample() == 24 || h.bitsPerSample() == 32);
        if (!supported || h.blockAlign() != bytes * h.channels()) {
            throw new InvalidRecordingException(h.bitsPerSample() + "-bit " + (floating ? "float" : "PCM")
                    + " WAV is not supported: use PCM 16/24/32-bit or 32-bit float, e.g. sox in.wav -b 16 out.wav");
        }
        long frames = h.frames();
        int n = Math.toIntExact(frames * h.channels());
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int p = h.dataOffset();
        for (int i = 0; i < n; i++, p += bytes) {
            out[i] = floating ? (bytes == 4 ? b.getFloat(p) : (float) b.getDouble(p)) : intSample(file, b, p, bytes);
        }
        return new Decoded(h.sampleRate(), h.channels(), h.bitsPerSample(), floating, frames, out);
    }

    private static float intSample(byte[] f, ByteBuffer b, int p, int bytes) {
        return switch (bytes) {
            case 1 -> ((f[p] & 0xFF) - 128) / 128f;
            case 2 -> b.getShort(p) / 32768f;
            case 3 -> ((f[p] & 0xFF) | (f[p + 1] & 0xFF) << 8 | f[p + 2] << 16) / 8388608f;
            default -> (float) (b.getInt(p) / 2147483648.0);
        };
    }

    /** A WAV of 16-bit mono samples, with the canonical 44-byte header. */
    public static byte[] pcm16(short[] samples, int sampleRate) {
        ByteBuffer data = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        data.asShortBuffer().put(samples);
        return build(WAVE_FORMAT_PCM, sampleRate, 16, samples.length, data.array());
    }

    /** A WAV of G.711 codes, one byte per sample; {@code formatTag} is µ-law (7) or A-law (6). */
    public static byte[] g711(short formatTag, byte[] codes, int sampleRate) {
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
        b.put(id("RIFF")).putInt(size).put(id("WAVE"));
        b.put(id("fmt ")).putInt(fmtSize).putShort(formatTag).putShort((short) 1).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        if (!pcm) {
            b.putShort((short) 0);
            b.put(id("fact")).putInt(4).putInt(frames);
        }
        b.put(id("data")).putInt(data.length).put(data);
        return b.array(); // the pad byte, if any, is already zero
    }

    private static byte[] id(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String formatName(int format) {
        return switch (format) {
            case 2 -> "MS ADPCM";
            case 6 -> "A-law";
            case 7 -> "mu-law";
            case 0x11 -> "IMA ADPCM";
            case 0x55 -> "MP3";
            default -> "0x" + Integer.toHexString(format);
        };
    }

    /** A chunk id as it can be shown: anything but printable ASCII becomes '?'. */
    private static String printable(String id) {
        StringBuilder out = new StringBuilder(id.length());
        id.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7F ? (char) c : '?'));
        return out.toString();
    }

    private static String ascii(byte[] b, int off) {
        return off + 4 <= b.length ? new String(b, off, 4, StandardCharsets.US_ASCII) : "";
    }
}
