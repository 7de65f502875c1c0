package io.voxcpm.audio;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A whole utterance as RTP payloads of one format and ptime, back to back in one array: what a
 * {@link TelephonyEncoder} emitted for it, frozen. Immutable and shared: every session playing the same
 * prompt in the same format reads the same instance by frame index, so a cache hit costs no DSP and no
 * copy but the one into the packet.
 *
 * <p>One array rather than one per frame: 150 frames of PCMU are 24 000 bytes here instead of 150
 * objects with their headers, and the garbage collector sees one object per prompt.
 */
public final class EncodedFrames {

    private final TelephonyFormat format;
    private final int ptimeMs;
    private final int frameBytes;
    private final int count;
    private final byte[] data;

    private EncodedFrames(TelephonyFormat format, int ptimeMs, byte[] data) {
        this.format = format;
        this.ptimeMs = ptimeMs;
        this.frameBytes = format.bytesPerFrame(ptimeMs);
        this.count = data.length / frameBytes;
        this.data = data;
    }

    /**
     * Copies {@code frames} (each exactly one frame of {@code format} at {@code ptimeMs}) into one set.
     *
     * @throws IllegalArgumentException when a frame has the wrong length
     */
    public static EncodedFrames of(TelephonyFormat format, int ptimeMs, List<byte[]> frames) {
        Objects.requireNonNull(format, "format");
        int frameBytes = format.bytesPerFrame(ptimeMs);
        byte[] data = new byte[Math.multiplyExact(frameBytes, frames.size())];
        int at = 0;
        for (byte[] f : frames) {
            if (f.length != frameBytes) {
                throw new IllegalArgumentException("frame of " + f.length + " bytes (expected: " + frameBytes + ")");
            }
            System.arraycopy(f, 0, data, at, frameBytes);
            at += frameBytes;
        }
        return new EncodedFrames(format, ptimeMs, data);
    }

    public TelephonyFormat format() {
        return format;
    }

    public int ptimeMs() {
        return ptimeMs;
    }

    public int frameBytes() {
        return frameBytes;
    }

    /** Number of frames. */
    public int count() {
        return count;
    }

    /** Bytes of audio held, for memory accounting. */
    public long sizeBytes() {
        return data.length;
    }

    /**
     * Puts frame {@code index} into {@code dst} at its position, advancing it. Copies, never allocates:
     * made for the packet path.
     */
    public void copyFrame(int index, ByteBuffer dst) {
        Objects.checkIndex(index, count);
        dst.put(data, index * frameBytes, frameBytes);
    }

    /** A fresh copy of frame {@code index}. */
    public byte[] frame(int index) {
        Objects.checkIndex(index, count);
        byte[] f = new byte[frameBytes];
        System.arraycopy(data, index * frameBytes, f, 0, frameBytes);
        return f;
    }

    @Override
    public String toString() {
        return count + " frames of " + format.encoding() + "/" + format.sampleRate() + " at " + ptimeMs + " ms";
    }
}
