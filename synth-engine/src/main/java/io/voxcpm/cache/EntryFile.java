package io.voxcpm.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The bytes of one entry file, all little-endian:
 * <pre>
 *   magic "VXPC" | u16 version (1) | u16 digest length (64) | digest, ASCII hex
 *   | i32 sample rate | i64 sample count | samples, s16le | i32 CRC-32C of every byte before it
 * </pre>
 * The digest inside the file guards against a file served under the wrong name; the trailing checksum
 * catches truncation, torn writes and flipped bits. Decoding never trusts a length it has not checked
 * against the file size.
 */
final class EntryFile {

    private static final byte[] MAGIC = {'V', 'X', 'P', 'C'};
    private static final int VERSION = 1;

    private EntryFile() {
    }

    static byte[] encode(String digest, int sampleRate, short[] samples) {
        byte[] id = digest.getBytes(StandardCharsets.US_ASCII);
        int header = MAGIC.length + 2 + 2 + id.length + 4 + 8;
        ByteBuffer b = ByteBuffer.allocate(header + samples.length * 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) id.length).put(id).putInt(sampleRate)
                .putLong(samples.length);
        b.asShortBuffer().put(samples);
        b.position(b.position() + samples.length * 2);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The audio, or null when the bytes are not a complete, intact entry for {@code digest}. */
    static CachedAudio decode(String digest, byte[] file) {
        byte[] id = digest.getBytes(StandardCharsets.US_ASCII);
        int header = MAGIC.length + 2 + 2 + id.length + 4 + 8;
        if (file.length < header + 4) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC) || b.getShort() != VERSION || b.getShort() != id.length) {
            return null;
        }
        byte[] stored = new byte[id.length];
        b.get(stored);
        int sampleRate = b.getInt();
        long count = b.getLong();
        if (!Arrays.equals(stored, id) || sampleRate <= 0 || count < 0 || header + count * 2 + 4 != file.length) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(file, 0, file.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(file, file.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()) {
            return null;
        }
        short[] samples = new short[(int) count];
        b.asShortBuffer().get(samples);
        return new CachedAudio(sampleRate, samples);
    }
}
