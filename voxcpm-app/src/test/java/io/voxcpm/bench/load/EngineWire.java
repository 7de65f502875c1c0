package io.voxcpm.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each session's synthesis reached the engine and when its first audio came back, read from a capture
 * of the server's gRPC connection to a model worker (HTTP/2 without TLS, as on loopback). This is the
 * "engine's first chunk" that a streaming engine's first-packet target is measured against: the moment the
 * last byte of the first response message of the call's stream reached the server's socket, before any of
 * our code (gRPC's decoder included) has touched it.
 *
 * <p>A session is recognised by its {@link SpeakTexts} tag inside the request's text. The connection is
 * opened long before the capture starts, so the reader joins it mid-stream: it waits for a segment that is
 * a whole number of well-formed HTTP/2 frames (what an idle connection's next write is) and follows the
 * sequence numbers from there; a gap makes it wait for such a segment again.
 */
final class EngineWire {

    /** One session's engine call: capture nanoseconds, -1 when not seen. */
    static final class EngineCall {
        long request = -1;
        long firstChunk = -1;
    }

    private static final int FRAME_HEADER = 9;
    private static final int DATA = 0;
    private static final int FLAG_PADDED = 0x8;
    private static final int MAX_FRAME = 1 << 24;
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final int engineMin;
    private final int engineMax;
    private final SpeakTexts texts;
    private final Map<Long, Direction> directions = new HashMap<>();
    private final Map<Integer, EngineCall> bySession = new TreeMap<>();
    long resyncs;

    /** Engine (worker) ports {@code engineMin}..{@code engineMax}: one capture holds every worker's connection. */
    EngineWire(int engineMin, int engineMax, SpeakTexts texts) {
        this.engineMin = engineMin;
        this.engineMax = engineMax;
        this.texts = texts;
    }

    /** Session index (its tag's number) to its engine call, for every session whose request was seen. */
    Map<Integer, EngineCall> calls() {
        return bySession;
    }

    /**
     * Per session, from the two captures: SPEAK to the engine request, SPEAK to the first chunk, and the first
     * chunk to the first RTP packet (the part of SPEAK → first RTP that is ours). {@code rtpBase} turns a call's
     * RTP port back into its session index.
     */
    Map<String, Object> figures(List<WireAnalysis.Call> wireCalls, int rtpBase) {
        Stats toRequest = new Stats();
        Stats toFirstChunk = new Stats();
        Stats chunkToRtp = new Stats();
        int unmatched = 0;
        for (WireAnalysis.Call c : wireCalls) {
            EngineCall e = c.rtpPort < 0 ? null : bySession.get(c.rtpPort - rtpBase);
            if (c.speak < 0) {
                continue;
            }
            if (e == null || e.firstChunk < 0) {
                unmatched++;
                continue;
            }
            toRequest.add(Report.ms(e.request - c.speak));
            toFirstChunk.add(Report.ms(e.firstChunk - c.speak));
            if (c.firstRtp >= 0) {
                chunkToRtp.add(Report.ms(c.firstRtp - e.firstChunk));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine_ports", engineMin + "-" + engineMax);
        m.put("speak_to_engine_request_ms", Report.dist(toRequest));
        m.put("speak_to_first_chunk_ms", Report.dist(toFirstChunk));
        m.put("first_chunk_to_first_rtp_ms", Report.dist(chunkToRtp));
        m.put("speaks_without_a_first_chunk_seen", unmatched);
        m.put("capture_resyncs", resyncs);
        return m;
    }

    void read(Path pcap) throws IOException {
        try (InputStream in = Files.newInputStream(pcap)) {
            PcapReader.read(in, this::packet);
        }
    }

    void packet(PcapReader.Packet p) {
        boolean toEngine = engine(p.dstPort());
        if (p.protocol() != PcapReader.TCP || !toEngine && !engine(p.srcPort())) {
            return;
        }
        int clientPort = toEngine ? p.srcPort() : p.dstPort();
        long key = (long) clientPort << 1 | (toEngine ? 1 : 0);
        directions.computeIfAbsent(key, k -> new Direction(toEngine, clientPort)).segment(p);
    }

    /** A stream of one connection: the session it belongs to once known, its bytes so far. */
    private static final class Stream {
        EngineCall call;
        byte[] request = new byte[0];
        long responseBytes;
        long firstMessageEnd = -1;
        final byte[] prefix = new byte[5];
    }

    private final class Direction {
        final boolean toEngine;
        final int clientPort;
        long expected = -1;
        boolean synced;
        // the frame being read: its header's bytes, then its payload's
        final byte[] header = new byte[FRAME_HEADER];
        int headerHave;
        int payloadLeft;
        int padLeft;
        boolean padLengthPending;
        int type;
        int streamId;

        Direction(boolean toEngine, int clientPort) {
            this.toEngine = toEngine;
            this.clientPort = clientPort;
        }

        void segment(PcapReader.Packet p) {
            byte[] data = p.payload();
            if (p.truncated()) {
                synced = false; // its frames cannot be followed past the cut
                return;
            }
            if (data.length == 0) {
                return;
            }
            long seq = p.tcpSeq();
            int from = 0;
            if (synced) {
                long behind = (expected - seq) & 0xffffffffL;
                if (behind < data.length) {
                    from = (int) behind; // in order, or a retransmission that also carries new bytes
                } else if (behind < (1L << 31)) {
                    return; // wholly a retransmission
                } else {
                    synced = false; // bytes the capture missed
                }
            }
            if (!synced) {
                if (!wholeFrames(data)) {
                    return;
                }
                resyncs++;
                synced = true;
                headerHave = 0;
                payloadLeft = 0;
            }
            expected = (seq + data.length) & 0xffffffffL;
            consume(data, from, p.timeNanos());
        }

        private void consume(byte[] data, int at, long t) {
            while (at < data.length) {
                if (headerHave < FRAME_HEADER) {
                    int n = Math.min(FRAME_HEADER - headerHave, data.length - at);
                    System.arraycopy(data, at, header, headerHave, n);
                    headerHave += n;
                    at += n;
                    if (headerHave == FRAME_HEADER) {
                        payloadLeft = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
                        type = header[3] & 0xff;
                        streamId = ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                                | (header[8] & 0xff);
                        padLengthPending = type == DATA && (header[4] & FLAG_PADDED) != 0;
                        padLeft = 0;
                        headerHave = payloadLeft == 0 ? 0 : FRAME_HEADER;
                    }
                    continue;
                }
                int n = Math.min(payloadLeft, data.length - at);
                if (type == DATA) {
                    int from = at;
                    int count = n;
                    if (padLengthPending && count > 0) {
                        padLeft = data[from] & 0xff;
                        padLengthPending = false;
                        from++;
                        count--;
                    }
                    // the padding is the frame's last padLeft bytes: what lies before them is data
                    int dataLeftInFrame = payloadLeft - (from - at) - padLeft;
                    int useful = Math.max(0, Math.min(count, dataLeftInFrame));
                    data(streamId, data, from, useful, t);
                }
                payloadLeft -= n;
                at += n;
                if (payloadLeft == 0) {
                    headerHave = 0;
                }
            }
        }

        private void data(int id, byte[] data, int from, int n, long t) {
            if (n == 0) {
                return;
            }
            Stream s = streams.computeIfAbsent((long) clientPort << 32 | id, k -> new Stream());
            if (toEngine) {
                if (s.call != null || s.request.length >= MAX_REQUEST_BYTES) {
                    return;
                }
                byte[] grown = new byte[s.request.length + n];
                System.arraycopy(s.request, 0, grown, 0, s.request.length);
                System.arraycopy(data, from, grown, s.request.length, n);
                s.request = grown;
                int session = texts.sessionOf(new String(grown, StandardCharsets.ISO_8859_1));
                if (session >= 0) {
                    s.call = bySession.computeIfAbsent(session, k -> new EngineCall());
                    if (s.call.request < 0) {
                        s.call.request = t;
                    }
                    s.request = null;
                }
                return;
            }
            // the first gRPC message: a 5-byte prefix (compressed flag, 32-bit length), then that many bytes
            int i = 0;
            while (i < n && s.responseBytes < 5) {
                s.prefix[(int) s.responseBytes++] = data[from + i++];
            }
            s.responseBytes += n - i;
            if (s.firstMessageEnd < 0 && s.responseBytes >= 5) {
                s.firstMessageEnd = 5 + ((s.prefix[1] & 0xffL) << 24 | (s.prefix[2] & 0xff) << 16
                        | (s.prefix[3] & 0xff) << 8 | (s.prefix[4] & 0xff));
            }
            if (s.firstMessageEnd > 0 && s.responseBytes >= s.firstMessageEnd && s.call != null
                    && s.call.firstChunk < 0) {
                s.call.firstChunk = t;
            }
        }
    }

    private final Map<Long, Stream> streams = new HashMap<>();

    private boolean engine(int port) {
        return port >= engineMin && port <= engineMax;
    }

    /** Whether {@code data} is one or more plausible HTTP/2 frames ending exactly at its end. */
    static boolean wholeFrames(byte[] data) {
        int at = 0;
        while (at + FRAME_HEADER <= data.length) {
            int length = (data[at] & 0xff) << 16 | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff);
            int type = data[at + 3] & 0xff;
            if (type > 9 || (data[at + 5] & 0x80) != 0 || length >= MAX_FRAME) {
                return false;
            }
            at += FRAME_HEADER + length;
        }
        return at == data.length;
    }
}
