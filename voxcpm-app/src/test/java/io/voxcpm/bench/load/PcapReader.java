package io.voxcpm.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Reads a classic libpcap file (what {@code tcpdump -w} writes): microsecond or nanosecond timestamps,
 * either byte order, link types Ethernet (loopback on Linux), Linux cooked (v1, v2) and raw IP. Only IPv4
 * UDP and TCP packets are handed on; everything else is counted and skipped. The timestamps are the
 * kernel's capture times, which is the point: they are the wire's, not a busy client's.
 */
final class PcapReader {

    static final int LINK_NULL = 0;
    static final int LINK_ETHERNET = 1;
    static final int LINK_RAW = 101;
    static final int LINK_LINUX_SLL = 113;
    static final int LINK_LINUX_SLL2 = 276;

    static final int UDP = 17;
    static final int TCP = 6;

    /** One IPv4 UDP or TCP packet; {@code payload} holds only the captured bytes of the transport payload. */
    record Packet(long timeNanos, int protocol, int srcAddr, int srcPort, int dstAddr, int dstPort,
                  long tcpSeq, int tcpFlags, byte[] payload, int payloadWireLength) {
        boolean truncated() {
            return payload.length < payloadWireLength;
        }

        boolean syn() {
            return protocol == TCP && (tcpFlags & 0x02) != 0;
        }
    }

    /** Counts of what was read and skipped. */
    static final class Counts {
        long frames;
        long delivered;
        long skipped;
        long truncated;
    }

    private PcapReader() {
    }

    static Counts read(InputStream raw, Consumer<Packet> sink) throws IOException {
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
        byte[] header = new byte[24];
        if (in.readNBytes(header, 0, 24) < 24) {
            throw new IOException("not a pcap file: shorter than its 24-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(0);
        ByteOrder order;
        boolean nanos;
        switch (magic) {
            case 0xa1b2c3d4 -> { order = ByteOrder.LITTLE_ENDIAN; nanos = false; }
            case 0xa1b23c4d -> { order = ByteOrder.LITTLE_ENDIAN; nanos = true; }
            case 0xd4c3b2a1 -> { order = ByteOrder.BIG_ENDIAN; nanos = false; }
            case 0x4d3cb2a1 -> { order = ByteOrder.BIG_ENDIAN; nanos = true; }
            default -> throw new IOException(String.format("not a classic pcap file (magic 0x%08x); pcapng is not read, "
                    + "write with tcpdump -w", magic));
        }
        h.order(order);
        int linkType = h.getInt(20) & 0x0fffffff;
        if (linkType != LINK_ETHERNET && linkType != LINK_RAW && linkType != LINK_LINUX_SLL
                && linkType != LINK_LINUX_SLL2 && linkType != LINK_NULL) {
            throw new IOException("unsupported pcap link type " + linkType);
        }
        Counts counts = new Counts();
        byte[] rec = new byte[16];
        byte[] frame = new byte[0];
        while (true) {
            int got = in.readNBytes(rec, 0, 16);
            if (got == 0) {
                return counts;
            }
            if (got < 16) {
                return counts; // a capture stopped mid-record: the rest is lost, what came before stands
            }
            ByteBuffer r = ByteBuffer.wrap(rec).order(order);
            long sec = r.getInt(0) & 0xffffffffL;
            long frac = r.getInt(4) & 0xffffffffL;
            int capLen = r.getInt(8);
            int origLen = r.getInt(12);
            if (capLen < 0 || capLen > 1 << 20) {
                throw new IOException("corrupt pcap record: captured length " + capLen);
            }
            if (frame.length < capLen) {
                frame = new byte[Math.max(capLen, 2048)];
            }
            if (in.readNBytes(frame, 0, capLen) < capLen) {
                return counts;
            }
            counts.frames++;
            long t = sec * 1_000_000_000L + (nanos ? frac : frac * 1000L);
            Packet p = decode(linkType, frame, capLen, origLen, t);
            if (p == null) {
                counts.skipped++;
            } else {
                counts.delivered++;
                if (p.truncated()) {
                    counts.truncated++;
                }
                sink.accept(p);
            }
        }
    }

    /** The IPv4 UDP/TCP packet in one frame, or null when it is something else or too short to tell. */
    static Packet decode(int linkType, byte[] f, int capLen, int origLen, long timeNanos) {
        int ip;
        switch (linkType) {
            case LINK_ETHERNET -> {
                if (capLen < 14 || u16(f, 12) != 0x0800) {
                    return null;
                }
                ip = 14;
            }
            case LINK_LINUX_SLL -> {
                if (capLen < 16 || u16(f, 14) != 0x0800) {
                    return null;
                }
                ip = 16;
            }
            case LINK_LINUX_SLL2 -> {
                if (capLen < 20 || u16(f, 0) != 0x0800) {
                    return null;
                }
                ip = 20;
            }
            case LINK_NULL -> {
                if (capLen < 4) {
                    return null;
                }
                ip = 4;
            }
            default -> ip = 0;
        }
        if (capLen < ip + 20 || (f[ip] & 0xf0) != 0x40) {
            return null;
        }
        int ihl = (f[ip] & 0x0f) * 4;
        int totalLength = u16(f, ip + 2);
        int fragment = u16(f, ip + 6) & 0x3fff;
        if (fragment != 0 || ihl < 20) {
            return null; // fragments never carry our small signalling and RTP on loopback
        }
        int protocol = f[ip + 9] & 0xff;
        int src = s32(f, ip + 12);
        int dst = s32(f, ip + 16);
        int l4 = ip + ihl;
        int ipEnd = Math.min(capLen, ip + totalLength);
        int wireEnd = ip + totalLength;
        if (protocol == UDP) {
            if (ipEnd < l4 + 8) {
                return null;
            }
            int udpLen = u16(f, l4 + 4);
            int start = l4 + 8;
            int capEnd = Math.min(ipEnd, l4 + udpLen);
            return new Packet(timeNanos, UDP, src, u16(f, l4), dst, u16(f, l4 + 2), 0, 0,
                    copy(f, start, capEnd), udpLen - 8);
        }
        if (protocol == TCP) {
            if (ipEnd < l4 + 20) {
                return null;
            }
            int dataOffset = ((f[l4 + 12] & 0xf0) >> 4) * 4;
            int start = l4 + dataOffset;
            return new Packet(timeNanos, TCP, src, u16(f, l4), dst, u16(f, l4 + 2), s32(f, l4 + 4) & 0xffffffffL,
                    f[l4 + 13] & 0xff, copy(f, start, ipEnd), wireEnd - start);
        }
        return null;
    }

    private static byte[] copy(byte[] f, int from, int to) {
        if (to <= from) {
            return new byte[0];
        }
        byte[] out = new byte[to - from];
        System.arraycopy(f, from, out, 0, out.length);
        return out;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    static int s32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
