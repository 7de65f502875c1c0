package io.voxcpm.bench.load;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes pcap files the way tcpdump does, for the reader's and the analysis' tests. */
final class PcapFiles {

    static final int LO = 0x7f000001;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;
    private final boolean nanos;
    private final int linkType;
    private final int snaplen;

    PcapFiles(ByteOrder order, boolean nanos, int linkType, int snaplen) {
        this.order = order;
        this.nanos = nanos;
        this.linkType = linkType;
        this.snaplen = snaplen;
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        out.writeBytes(h.array());
    }

    static PcapFiles loopback(int snaplen) {
        return new PcapFiles(ByteOrder.LITTLE_ENDIAN, true, PcapReader.LINK_ETHERNET, snaplen);
    }

    PcapFiles udp(long timeNanos, int srcPort, int dstPort, byte[] payload) {
        ByteBuffer l4 = ByteBuffer.allocate(8 + payload.length);
        l4.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        return frame(timeNanos, PcapReader.UDP, l4.array());
    }

    PcapFiles udp(long timeNanos, int srcPort, int dstPort, String payload) {
        return udp(timeNanos, srcPort, dstPort, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** A TCP segment with a 32-byte header (timestamps option, as Linux sends on loopback). */
    PcapFiles tcp(long timeNanos, int srcPort, int dstPort, long seq, int flags, byte[] payload) {
        ByteBuffer l4 = ByteBuffer.allocate(32 + payload.length);
        l4.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt(0)
                .put((byte) (8 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0)
                .put(new byte[] {1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0}).put(payload);
        return frame(timeNanos, PcapReader.TCP, l4.array());
    }

    PcapFiles tcp(long timeNanos, int srcPort, int dstPort, long seq, String payload) {
        return tcp(timeNanos, srcPort, dstPort, seq, 0x18, payload.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] rtp(int seq, long timestamp, int payloadBytes) {
        ByteBuffer b = ByteBuffer.allocate(12 + payloadBytes);
        b.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt((int) timestamp).putInt(0x1234);
        return b.array();
    }

    private PcapFiles frame(long timeNanos, int protocol, byte[] l4) {
        ByteBuffer ip = ByteBuffer.allocate(20 + l4.length);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(LO).putInt(LO).put(l4);
        byte[] link = switch (linkType) {
            case PcapReader.LINK_ETHERNET -> new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0};
            case PcapReader.LINK_LINUX_SLL -> new byte[] {0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0};
            default -> new byte[0];
        };
        int wire = link.length + ip.capacity();
        int cap = Math.min(wire, snaplen);
        ByteBuffer rec = ByteBuffer.allocate(16).order(order);
        long sec = timeNanos / 1_000_000_000L;
        long frac = timeNanos % 1_000_000_000L;
        rec.putInt((int) sec).putInt((int) (nanos ? frac : frac / 1000)).putInt(cap).putInt(wire);
        out.writeBytes(rec.array());
        ByteBuffer all = ByteBuffer.allocate(wire).put(link).put(ip.array());
        out.write(all.array(), 0, cap);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
