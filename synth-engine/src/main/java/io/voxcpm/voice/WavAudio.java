package io.voxcpm.voice;

/**
 * The registry's hardened WAV reader and canonical writer, for other stores of audio (the prompt store):
 * any PCM or float WAV in, 16-bit mono PCM out, without the checks that only a voice recording needs.
 */
public final class WavAudio {

    /** Mono 16-bit PCM at {@code sampleRate}. */
    public record Mono(short[] samples, int sampleRate, String description) { }

    private WavAudio() {
    }

    /** Decodes a WAV file, mixing stereo down to mono and saturating float samples above full scale. */
    public static Mono readMono(byte[] wav) throws InvalidRecordingException {
        WavFile.Header header = WavFile.header(wav);
        WavFile.Decoded in = WavFile.decode(wav, header);
        float[] s = in.samples();
        int channels = in.channels();
        short[] out = new short[s.length / channels];
        for (int i = 0; i < out.length; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += s[i * channels + c];
            }
            long v = Math.round(sum / channels * 32768.0);
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        return new Mono(out, in.sampleRate(), in.describe());
    }

    /** A 16-bit mono PCM WAV file with the canonical 44-byte header. */
    public static byte[] mono16(short[] samples, int sampleRate) {
        return WavFile.pcm16(samples, sampleRate);
    }
}
