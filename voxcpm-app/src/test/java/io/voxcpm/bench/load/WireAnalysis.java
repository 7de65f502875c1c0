package io.voxcpm.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the capture says happened: SIP over UDP (INVITE and its final response, read in full), MRCPv2
 * over TCP (SPEAK, its response, SPEAK-COMPLETE; the byte stream reassembled per direction) and RTP
 * headers. Calls are joined by what the wire itself carries: the offer's audio port names the RTP
 * stream, the answer's {@code a=channel} names the MRCP channel.
 */
final class WireAnalysis {

    /** One call as the wire saw it; times are capture nanoseconds, -1 when that event never appeared. */
    static final class Call {
        final String callId;
        long invite = -1;
        long ok = -1;
        int finalStatus;
        int rtpPort = -1;
        String channel;
        long speak = -1;
        long response = -1;
        int responseStatus;
        String responseState;
        long complete = -1;
        long firstRtp = -1;
        RtpStream.Result stream;

        Call(String callId) {
            this.callId = callId;
        }
    }

    /** Counts about the capture itself, so a reader can tell whether to trust it. */
    static final class CaptureHealth {
        long controlPackets;
        long rtpPackets;
        long truncatedControl;
        long tcpGaps;
        long framingErrors;
        long nonRtp;
    }

    private final int sipPort;
    private final int mrcpPort;
    private final int rtpMin;
    private final int rtpMax;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, Long> speaks = new HashMap<>();
    private final Map<String, long[]> responses = new HashMap<>();
    private final Map<String, String> responseStates = new HashMap<>();
    private final Map<String, Long> completes = new HashMap<>();
    private final Map<Long, Direction> tcp = new HashMap<>();
    private final Map<Integer, PortPackets> rtp = new TreeMap<>();
    final CaptureHealth health = new CaptureHealth();
    final Map<Integer, Integer> finals = new TreeMap<>();

    WireAnalysis(int sipPort, int mrcpPort, int rtpMin, int rtpMax) {
        this.sipPort = sipPort;
        this.mrcpPort = mrcpPort;
        this.rtpMin = rtpMin;
        this.rtpMax = rtpMax;
    }

    void readControl(Path pcap) throws IOException {
        try (InputStream in = Files.newInputStream(pcap)) {
            readControl(in);
        }
    }

    void readControl(InputStream in) throws IOException {
        PcapReader.read(in, p -> {
            if (p.protocol() == PcapReader.UDP && (p.dstPort() == sipPort || p.srcPort() == sipPort)) {
                health.controlPackets++;
                if (p.truncated()) {
                    health.truncatedControl++;
                }
                sip(p.timeNanos(), new String(p.payload(), StandardCharsets.UTF_8), p.dstPort() == sipPort);
            } else if (p.protocol() == PcapReader.TCP && (p.dstPort() == mrcpPort || p.srcPort() == mrcpPort)) {
                health.controlPackets++;
                boolean toServer = p.dstPort() == mrcpPort;
                long key = ((long) (toServer ? p.srcAddr() : p.dstAddr()) << 17)
                        | (long) (toServer ? p.srcPort() : p.dstPort()) << 1 | (toServer ? 1 : 0);
                tcp.computeIfAbsent(key, k -> new Direction(toServer)).segment(p);
            }
        });
    }

    void readRtp(Path pcap) throws IOException {
        try (InputStream in = Files.newInputStream(pcap)) {
            readRtp(in);
        }
    }

    void readRtp(InputStream in) throws IOException {
        PcapReader.read(in, p -> {
            if (p.protocol() != PcapReader.UDP || p.dstPort() < rtpMin || p.dstPort() > rtpMax) {
                return;
            }
            byte[] b = p.payload();
            if (b.length < 12 || (b[0] & 0xc0) != 0x80 || (b[1] & 0x7f) >= 72 && (b[1] & 0x7f) <= 76) {
                health.nonRtp++; // too short, not version 2, or RTCP
                return;
            }
            health.rtpPackets++;
            rtp.computeIfAbsent(p.dstPort(), k -> new PortPackets()).add(p.timeNanos(), PcapReader.u16(b, 2),
                    PcapReader.s32(b, 4) & 0xffffffffL);
        });
    }

    private void sip(long t, String msg, boolean toServer) {
        String callId = SipText.header(msg, "Call-ID", "i");
        if (callId == null) {
            return;
        }
        if (toServer && msg.startsWith("INVITE ")) {
            Call c = calls.computeIfAbsent(callId, Call::new);
            if (c.invite < 0) {
                c.invite = t;
                c.rtpPort = SipText.audioPort(SipText.body(msg));
            }
            return;
        }
        int status = SipText.status(msg);
        if (toServer || status < 200 || !SipText.cseqMethod(msg).equals("INVITE")) {
            return;
        }
        Call c = calls.get(callId);
        if (c == null || c.finalStatus != 0) {
            return; // a retransmitted final response
        }
        c.finalStatus = status;
        finals.merge(status, 1, Integer::sum);
        if (status == 200) {
            c.ok = t;
            c.channel = SipText.answer(SipText.body(msg)).channelId();
        }
    }

    /** One direction of one MRCP connection, reassembled in sequence order. */
    private final class Direction {
        final boolean toServer;
        long expected = -1;
        byte[] buf = new byte[4096];
        int len;
        boolean lost;

        Direction(boolean toServer) {
            this.toServer = toServer;
        }

        void segment(PcapReader.Packet p) {
            long seq = p.tcpSeq();
            if (p.syn()) {
                expected = (seq + 1) & 0xffffffffL;
                return;
            }
            byte[] data = p.payload();
            if (data.length == 0) {
                return;
            }
            if (expected < 0) {
                expected = seq;
            }
            int offset = (int) (expected - seq); // how much of this segment was already had (mod 2^32)
            if (offset < 0) {
                health.tcpGaps++; // bytes the capture missed: restart at a message boundary if one comes
                lost = true;
                len = 0;
                offset = 0;
                expected = seq;
            }
            if (offset >= data.length) {
                return; // a retransmission of what was already read
            }
            if (lost && !startsMessage(data, offset)) {
                expected = (seq + p.payloadWireLength()) & 0xffffffffL;
                return;
            }
            lost = false;
            append(data, offset, data.length - offset);
            expected = (seq + p.payloadWireLength()) & 0xffffffffL;
            if (p.truncated()) {
                health.truncatedControl++;
                lost = true;
            }
            try {
                int used = MrcpFraming.parse(buf, 0, len, (start, channel, end) -> message(p.timeNanos(), start,
                        channel));
                System.arraycopy(buf, used, buf, 0, len - used);
                len -= used;
            } catch (MrcpFraming.FramingException e) {
                health.framingErrors++;
                len = 0;
                lost = true;
            }
        }

        private void append(byte[] data, int from, int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            System.arraycopy(data, from, buf, len, n);
            len += n;
        }

        private void message(long t, String[] start, String channel) {
            if (channel == null || start.length < 4) {
                return;
            }
            if (toServer) {
                if (start[2].equals("SPEAK")) {
                    speaks.putIfAbsent(channel + " " + start[3], t);
                }
            } else if (Character.isDigit(start[2].charAt(0)) && start.length >= 5) {
                String key = channel + " " + start[2];
                if (!responses.containsKey(key)) {
                    responses.put(key, new long[] {t, parseInt(start[3])});
                    responseStates.put(key, start[4]);
                }
            } else if (start[2].equals("SPEAK-COMPLETE")) {
                completes.putIfAbsent(channel + " " + start[3], t);
            }
        }
    }

    private static boolean startsMessage(byte[] data, int offset) {
        return data.length - offset >= 9 && new String(data, offset, 9, StandardCharsets.US_ASCII).equals("MRCP/2.0 ");
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Arrival time, sequence number and timestamp of every RTP packet to one client port. */
    private static final class PortPackets {
        long[] t = new long[256];
        int[] seq = new int[256];
        long[] ts = new long[256];
        int n;

        void add(long time, int sequence, long timestamp) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                seq = Arrays.copyOf(seq, n * 2);
                ts = Arrays.copyOf(ts, n * 2);
            }
            t[n] = time;
            seq[n] = sequence;
            ts[n] = timestamp;
            n++;
        }
    }

    /**
     * Joins the three views into calls: each call's first SPEAK (by channel), its response and
     * SPEAK-COMPLETE, and the RTP to its offered port that arrived after the SPEAK was sent.
     */
    List<Call> calls(int clockRate, Stats jitterMs) {
        Map<String, String> firstSpeakByChannel = new HashMap<>();
        for (Map.Entry<String, Long> e : speaks.entrySet()) {
            String[] k = e.getKey().split(" ");
            String prev = firstSpeakByChannel.get(k[0]);
            if (prev == null || speaks.get(prev) > e.getValue()) {
                firstSpeakByChannel.put(k[0], e.getKey());
            }
        }
        List<Call> out = new ArrayList<>();
        for (Call c : calls.values()) {
            if (c.channel != null) {
                String key = firstSpeakByChannel.get(c.channel);
                if (key != null) {
                    c.speak = speaks.get(key);
                    long[] r = responses.get(key);
                    if (r != null) {
                        c.response = r[0];
                        c.responseStatus = (int) r[1];
                        c.responseState = responseStates.get(key);
                    }
                    c.complete = completes.getOrDefault(key, -1L);
                }
            }
            PortPackets pp = c.rtpPort < 0 ? null : rtp.get(c.rtpPort);
            if (pp != null && c.speak >= 0) {
                RtpStream s = new RtpStream(clockRate);
                for (int i = 0; i < pp.n; i++) {
                    if (pp.t[i] >= c.speak) {
                        s.add(pp.t[i], pp.seq[i], pp.ts[i]);
                    }
                }
                c.firstRtp = s.firstArrivalNanos();
                c.stream = s.analyse(jitterMs);
            }
            out.add(c);
        }
        return out;
    }
}
