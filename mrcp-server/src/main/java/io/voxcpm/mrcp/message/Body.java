package io.voxcpm.mrcp.message;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of an MRCP message: immutable bytes, read as UTF-8 text (MRCP bodies are text/plain, SSML, PLS
 * or URI lists). Equal when the bytes are.
 */
public final class Body {

    public static final Body EMPTY = new Body(new byte[0]);

    private final byte[] bytes;

    private Body(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A body holding a copy of {@code bytes}; {@link #EMPTY} for null or none. */
    public static Body of(byte[] bytes) {
        return bytes == null || bytes.length == 0 ? EMPTY : new Body(bytes.clone());
    }

    /** {@code text} as UTF-8; {@link #EMPTY} for null or "". */
    public static Body text(String text) {
        return text == null || text.isEmpty() ? EMPTY : new Body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes {@code owned} as it is: the caller made it and lets it go (the decoder). */
    static Body adopt(byte[] owned) {
        return owned.length == 0 ? EMPTY : new Body(owned);
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Writes the bytes into {@code out} (the encoder's one copy). */
    void writeTo(ByteBuf out) {
        out.writeBytes(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Body b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length + "B";
    }
}
