package io.voxcpm.audio;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns one stream of engine PCM into RTP payloads: resamples to the negotiated rate, encodes, and cuts
 * frames of exactly {@code ptime}. One per stream, not thread-safe. Samples that do not fill a frame
 * wait for the next {@link #write}; {@link #finish} pads the last frame with silence.
 */
public final class TelephonyEncoder {

    private final TelephonyFormat format;
    private final Resampler resampler;
    private final int ptimeMs;
    private final int frameSamples;
    private final int frameBytes;

    /** The G.722 coder's state, which runs across frames; null for the stateless encodings. */
    private final G722Encoder g722;

    /** Resampled samples waiting for a full frame; never more than one frame. */
    private final short[] pending;
    private int pendingLen;
    private long samplesIn;
    private long framesOut;

    public TelephonyEncoder(int inputRate, TelephonyFormat out, int ptimeMs) {
        this.format = Objects.requireNonNull(out, "out");
        this.ptimeMs = ptimeMs;
        this.frameSamples = out.samplesPerFrame(ptimeMs);
        this.frameBytes = out.bytesPerFrame(ptimeMs);
        this.resampler = Resampler.of(inputRate, out.sampleRate());
        this.pending = new short[frameSamples];
        this.g722 = out.encoding() == Encoding.G722 ? new G722Encoder() : null;
    }

    public TelephonyFormat format() {
        return format;
    }

    /** Consumes {@code len} samples at the input rate and emits every frame they complete. */
    public void write(short[] pcm, int off, int len, Consumer<byte[]> frames) {
        samplesIn += len;
        short[] resampled = resampler.process(pcm, off, len);
        cut(resampled, frames);
    }

    /** Flushes the resampler and emits the remaining samples as a last frame padded with silence. */
    public void finish(Consumer<byte[]> frames) {
        cut(resampler.flush(), frames);
        if (pendingLen > 0) {
            byte[] frame;
            if (g722 != null) {
                // An adaptive coder has no silence byte: code zero samples, which it hears as silence.
                Arrays.fill(pending, pendingLen, frameSamples, (short) 0);
                frame = new byte[frameBytes];
                encode(pending, 0, frameSamples, frame);
            } else {
                frame = format.silenceFrame(ptimeMs);
                encode(pending, 0, pendingLen, frame);
            }
            pendingLen = 0;
            emit(frame, frames);
        }
    }

    /** Input samples written so far. */
    public long samplesIn() {
        return samplesIn;
    }

    /** Frames emitted so far. */
    public long framesOut() {
        return framesOut;
    }

    private void cut(short[] samples, Consumer<byte[]> frames) {
        int i = 0;
        if (pendingLen > 0) {
            int n = Math.min(frameSamples - pendingLen, samples.length);
            System.arraycopy(samples, 0, pending, pendingLen, n);
            pendingLen += n;
            i = n;
            if (pendingLen < frameSamples) {
                return;
            }
            emitEncoded(pending, 0, frames);
            pendingLen = 0;
        }
        for (; i + frameSamples <= samples.length; i += frameSamples) {
            emitEncoded(samples, i, frames);
        }
        int rest = samples.length - i;
        System.arraycopy(samples, i, pending, 0, rest);
        pendingLen = rest;
    }

    private void emitEncoded(short[] samples, int off, Consumer<byte[]> frames) {
        byte[] frame = new byte[frameBytes];
        encode(samples, off, frameSamples, frame);
        emit(frame, frames);
    }

    private void emit(byte[] frame, Consumer<byte[]> frames) {
        framesOut++;
        frames.accept(frame);
    }

    private void encode(short[] samples, int off, int len, byte[] dst) {
        switch (format.encoding()) {
            case PCMU -> G711.encodeUlaw(samples, off, len, dst, 0);
            case PCMA -> G711.encodeAlaw(samples, off, len, dst, 0);
            case G722 -> g722.encode(samples, off, len, dst, 0);
            case L16 -> {
                for (int i = 0; i < len; i++) {
                    short s = samples[off + i];
                    dst[2 * i] = (byte) (s >> 8); // network order: high byte first
                    dst[2 * i + 1] = (byte) s;
                }
            }
        }
    }
}
