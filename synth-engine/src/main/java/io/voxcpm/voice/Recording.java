package io.voxcpm.voice;

import io.voxcpm.audio.Resampler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A reference recording as the registry keeps it: 16 kHz mono signed 16-bit PCM, 1-30 s, audible and
 * unclipped. {@link #read(Path)} accepts WAV (PCM 8/16/24/32-bit, float 32/64-bit, mono or stereo, any
 * usual rate) and, when {@code sox} is on the PATH, FLAC; it checks the recording and converts it once
 * with the project's own resampler, so the model sees the same bytes on every request.
 */
public final class Recording {

    public static final int SAMPLE_RATE = 16_000;
    public static final double MIN_SECONDS = 1.0;
    public static final double MAX_SECONDS = 30.0;
    /** Below this RMS level a recording is taken as silence (or a dead microphone). */
    static final double SILENCE_DBFS = -50.0;
    /** A sample at or beyond this fraction of full scale counts as clipped. */
    static final double CLIP_LEVEL = 0.999;
    /** More clipped samples than this fraction rejects the recording. */
    static final double MAX_CLIPPED_FRACTION = 0.001;
    private static final long MAX_FILE_BYTES = 256L << 20;

    private final short[] samples;
    private final byte[] wav;
    private final String sha256;
    private final String origin;

    private Recording(short[] samples, byte[] wav, String origin) {
        this.samples = samples;
        this.wav = wav;
        this.sha256 = Hashing.sha256(wav);
        this.origin = origin;
    }

    /** Reads, checks and converts a recording file; {@code sox} from the PATH converts FLAC. */
    public static Recording read(Path file) throws InvalidRecordingException, IOException {
        return read(file, Sox.onPath());
    }

    static Recording read(Path file, Optional<Path> sox) throws InvalidRecordingException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidRecordingException("recording " + file + " not found or not a file: give the path of a WAV or FLAC file");
        }
        if (!Files.isReadable(file)) {
            throw new InvalidRecordingException("recording " + file + " is not readable: check its permissions");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new InvalidRecordingException("recording " + file + " is " + (size >> 20) + " MiB; voices need a 1-30 s clip: trim it, e.g. sox in.wav out.wav trim 0 20");
        }
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        if (isFlac(bytes)) {
            Path converter = sox.orElseThrow(() -> new InvalidRecordingException(
                    "recording " + name + " is FLAC; FLAC needs sox installed (apt-get install sox); or convert to WAV"));
            bytes = Sox.flacToWav(converter, file);
        } else if (!WavFile.looksLikeWav(bytes)) {
            throw new InvalidRecordingException("recording " + name + " is not a WAV or FLAC file" + guessFormat(bytes)
                    + ": convert it, e.g. sox in.mp3 out.wav or ffmpeg -i in.m4a out.wav");
        }
        return fromWav(bytes, name);
    }

    /** Checks and converts the bytes of a WAV file; {@code origin} names it in messages and metadata. */
    public static Recording fromWav(byte[] wavFile, String origin) throws InvalidRecordingException {
        String label = "recording " + origin;
        WavFile.Header header = WavFile.header(wavFile);
        if (header.blockAlign() > 0 && header.sampleRate() > 0) {
            checkDuration(label, (double) header.frames() / header.sampleRate());
        }
        WavFile.Decoded in;
        try {
            in = WavFile.decode(wavFile, header);
        } catch (InvalidRecordingException e) {
            throw new InvalidRecordingException(label + ": " + e.getMessage());
        }
        checkDuration(label, in.durationSeconds());
        checkClipping(label, in.samples());
        float[] mono = downmix(in.samples(), in.channels());
        checkLevel(label, mono);
        short[] pcm = resample(toPcm16(mono), in.sampleRate(), label);
        String describedOrigin = origin + " (" + in.describe() + String.format(Locale.ROOT, ", %.2f s)", in.durationSeconds());
        return new Recording(pcm, WavFile.pcm16(pcm, SAMPLE_RATE), describedOrigin);
    }

    /** A recording the registry stored earlier; its checksum was verified by the caller. */
    static Recording stored(byte[] wav, String origin) throws InvalidRecordingException {
        WavFile.Header h = WavFile.header(wav);
        if (h.format() != 1 || h.channels() != 1 || h.bitsPerSample() != 16 || h.sampleRate() != SAMPLE_RATE) {
            throw new InvalidRecordingException("stored reference is not 16 kHz mono 16-bit PCM");
        }
        short[] pcm = new short[h.dataLength() / 2];
        ByteBuffer.wrap(wav, h.dataOffset(), pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        return new Recording(pcm, wav.clone(), origin);
    }

    /** The WAV file bytes (16 kHz mono 16-bit) as the model worker receives them. */
    public byte[] wav() {
        return wav.clone();
    }

    /** The 16 kHz samples. */
    public short[] samples() {
        return samples.clone();
    }

    public int sampleCount() {
        return samples.length;
    }

    public double durationSeconds() {
        return (double) samples.length / SAMPLE_RATE;
    }

    /** Lower-case hex SHA-256 of {@link #wav()}. */
    public String sha256() {
        return sha256;
    }

    /** Where it came from: the file name and its original format, as given at registration. */
    public String origin() {
        return origin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Recording r && r.sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Recording[%.2f s, sha256=%s]", durationSeconds(), sha256.substring(0, 12));
    }

    private static void checkDuration(String label, double seconds) throws InvalidRecordingException {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            String fix = seconds < MIN_SECONDS ? "record a longer sample (5-15 s of clear speech works best)"
                    : "trim it, e.g. sox in.wav out.wav trim 0 20";
            throw new InvalidRecordingException(String.format(Locale.ROOT,
                    "%s is %.1f s long; voices need %.0f-%.0f s: %s", label, seconds, MIN_SECONDS, MAX_SECONDS, fix));
        }
    }

    private static void checkClipping(String label, float[] samples) throws InvalidRecordingException {
        long clipped = 0;
        for (float s : samples) {
            if (Math.abs(s) >= CLIP_LEVEL) {
                clipped++;
            }
        }
        if (clipped > MAX_CLIPPED_FRACTION * samples.length) {
            throw new InvalidRecordingException(String.format(Locale.ROOT,
                    "%s is clipped: %d samples (%.2f%%) at full scale; record at a lower level (peaks around -3 dBFS)",
                    label, clipped, 100.0 * clipped / samples.length));
        }
    }

    private static void checkLevel(String label, float[] mono) throws InvalidRecordingException {
        double sum = 0;
        for (float s : mono) {
            sum += (double) s * s;
        }
        double rms = Math.sqrt(sum / Math.max(1, mono.length));
        double dbfs = rms > 0 ? 20 * Math.log10(rms) : Double.NEGATIVE_INFINITY;
        if (dbfs < SILENCE_DBFS) {
            throw new InvalidRecordingException(String.format(Locale.ROOT,
                    "%s is silent or nearly so (RMS %s dBFS; needs above %.0f dBFS): check the microphone and the file, or raise the level, e.g. sox in.wav out.wav norm -3",
                    label, Double.isInfinite(dbfs) ? "-inf" : String.format(Locale.ROOT, "%.1f", dbfs), SILENCE_DBFS));
        }
    }

    private static float[] downmix(float[] interleaved, int channels) {
        if (channels == 1) {
            return interleaved;
        }
        float[] mono = new float[interleaved.length / channels];
        for (int i = 0; i < mono.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += interleaved[i * channels + c];
            }
            mono[i] = sum / channels;
        }
        return mono;
    }

    private static short[] toPcm16(float[] mono) {
        short[] out = new short[mono.length];
        for (int i = 0; i < mono.length; i++) {
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(mono[i] * 32768.0)));
        }
        return out;
    }

    private static short[] resample(short[] pcm, int rate, String label) throws InvalidRecordingException {
        Resampler resampler;
        try {
            resampler = new Resampler(rate, SAMPLE_RATE);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordingException(label + " has sample rate " + rate
                    + " Hz, which cannot be converted: resample it first, e.g. sox in.wav -r 48000 out.wav", e);
        }
        short[] head = resampler.process(pcm);
        short[] tail = resampler.flush();
        short[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private static boolean isFlac(byte[] b) {
        return b.length >= 4 && new String(b, 0, 4, StandardCharsets.US_ASCII).equals("fLaC");
    }

    private static String guessFormat(byte[] b) {
        String head = new String(b, 0, Math.min(4, b.length), StandardCharsets.ISO_8859_1);
        if (head.startsWith("ID3") || (b.length > 1 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
            return " (it looks like MP3)";
        }
        if (head.equals("OggS")) {
            return " (it looks like Ogg)";
        }
        return "";
    }
}
