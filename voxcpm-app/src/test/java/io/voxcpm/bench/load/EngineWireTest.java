package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EngineWireTest {

    private static final int ENGINE = 52051;
    private static final int CLIENT = 40000;
    private static final int LOOPBACK = 0x7f000001;
    private static final SpeakTexts TEXTS = SpeakTexts.unique("Please hold.", "r1");
    private static final int MAX_FRAME = 128;

    @Test
    void theFirstChunkIsWhenTheLastByteOfTheFirstResponseMessageArrivesWhereverTheSegmentsSplit() {
        byte[] request = concat(headers(1), data(1, grpc(protobufText(TEXTS.of(7)))));
        byte[] first = grpc(new byte[300]);
        byte[] response = data(1, concat(first, grpc(new byte[200])));
        int firstEnds = endOfFirstMessage(response, first.length);
        for (int split = 1; split < response.length; split++) {
            EngineWire wire = new EngineWire(ENGINE, ENGINE, TEXTS);
            wire.packet(toEngine(10, 1000, request));
            wire.packet(fromEngine(50, 4989, headers(1))); // a whole segment: the reader joins here
            wire.packet(fromEngine(100, 5000, Arrays.copyOfRange(response, 0, split)));
            wire.packet(fromEngine(200, 5000 + split, Arrays.copyOfRange(response, split, response.length)));
            EngineWire.EngineCall call = wire.calls().get(7);
            assertThat(call.request).isEqualTo(10);
            assertThat(call.firstChunk).as("split at %d", split).isEqualTo(split >= firstEnds ? 100 : 200);
        }
    }

    @Test
    void aCaptureThatStartsInsideAFrameWaitsForASegmentOfWholeFrames() {
        byte[] oldFrame = data(9, grpc(new byte[100]));
        byte[] request = concat(headers(3), data(3, grpc(protobufText(TEXTS.of(2)))));
        byte[] response = concat(headers(3), data(3, grpc(new byte[40])));
        EngineWire wire = new EngineWire(ENGINE, ENGINE, TEXTS);
        wire.packet(toEngine(1, 900, Arrays.copyOfRange(oldFrame, 30, oldFrame.length)));
        wire.packet(toEngine(5, 1000, request));
        wire.packet(fromEngine(6, 4000, Arrays.copyOfRange(oldFrame, 50, oldFrame.length)));
        wire.packet(fromEngine(50, 5000, response));
        assertThat(wire.resyncs).isEqualTo(2);
        assertThat(wire.calls().get(2).request).isEqualTo(5);
        assertThat(wire.calls().get(2).firstChunk).isEqualTo(50);
    }

    @Test
    void bytesMissingFromTheCaptureLoseTheFramesUntilTheNextWholeSegment() {
        EngineWire wire = new EngineWire(ENGINE, ENGINE, TEXTS);
        byte[] request = concat(headers(1), data(1, grpc(protobufText(TEXTS.of(4)))), headers(3),
                data(3, grpc(protobufText(TEXTS.of(5)))));
        wire.packet(toEngine(1, 1000, request));
        byte[] one = data(1, grpc(new byte[300]));
        byte[] three = concat(headers(3), data(3, grpc(new byte[300])));
        wire.packet(fromEngine(5, 5000, headers(1)));
        int seq = 5000 + headers(1).length;
        wire.packet(fromEngine(10, seq, Arrays.copyOfRange(one, 0, 100)));
        // bytes 100-199 of stream 1's response were never captured; the rest of its frame is not a frame start
        wire.packet(fromEngine(30, seq + 200, Arrays.copyOfRange(one, 200, one.length)));
        wire.packet(fromEngine(40, seq + one.length, three));
        assertThat(wire.calls().get(4).firstChunk).isEqualTo(-1);
        assertThat(wire.calls().get(5).firstChunk).isEqualTo(40);
        assertThat(wire.resyncs).isEqualTo(3); // the request, the response headers, after the gap
    }

    @Test
    void interleavedStreamsOfOneConnectionAreTheirOwnSessionsAndRetransmissionsCountOnce() {
        EngineWire wire = new EngineWire(ENGINE, ENGINE, TEXTS);
        byte[] requests = concat(headers(1), headers(3), data(3, grpc(protobufText(TEXTS.of(11)))),
                data(1, grpc(protobufText(TEXTS.of(10)))));
        wire.packet(toEngine(1, 1000, requests));
        byte[] a = concat(headers(3), data(3, grpc(new byte[20])));
        byte[] b = concat(headers(1), data(1, grpc(new byte[20])));
        wire.packet(fromEngine(20, 5000, a));
        wire.packet(fromEngine(25, 5000, a)); // a retransmission: nothing new
        wire.packet(fromEngine(30, 5000 + a.length, b));
        wire.packet(toEngine(40, 1000 + requests.length, data(5, grpc(protobufText("no tag here")))));
        assertThat(wire.calls()).containsOnlyKeys(10, 11);
        assertThat(wire.calls().get(11).firstChunk).isEqualTo(20);
        assertThat(wire.calls().get(10).firstChunk).isEqualTo(30);
    }

    @Test
    void onlyWellFormedFrameChainsEndingAtTheSegmentEndCountAsWhole() {
        byte[] frames = concat(headers(1), data(1, grpc(new byte[10])));
        assertThat(EngineWire.wholeFrames(frames)).isTrue();
        assertThat(EngineWire.wholeFrames(Arrays.copyOf(frames, frames.length - 1))).isFalse();
        assertThat(EngineWire.wholeFrames("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isFalse();
        assertThat(EngineWire.wholeFrames(new byte[0])).isTrue();
    }

    /** Where, in the frame bytes, the first gRPC message of {@code firstLength} bytes ends. */
    private static int endOfFirstMessage(byte[] frames, int firstLength) {
        int at = 0;
        int seen = 0;
        while (at < frames.length) {
            int length = (frames[at] & 0xff) << 16 | (frames[at + 1] & 0xff) << 8 | (frames[at + 2] & 0xff);
            if (frames[at + 3] == 0) {
                boolean padded = (frames[at + 4] & 0x8) != 0;
                int start = at + 9 + (padded ? 1 : 0);
                int carried = length - (padded ? 1 + frames[at + 9] : 0);
                if (seen + carried >= firstLength) {
                    return start + (firstLength - seen);
                }
                seen += carried;
            }
            at += 9 + length;
        }
        throw new AssertionError("no end");
    }

    private static PcapReader.Packet toEngine(long t, long seq, byte[] payload) {
        return new PcapReader.Packet(t, PcapReader.TCP, LOOPBACK, CLIENT, LOOPBACK, ENGINE, seq, 0x18, payload,
                payload.length);
    }

    private static PcapReader.Packet fromEngine(long t, long seq, byte[] payload) {
        return new PcapReader.Packet(t, PcapReader.TCP, LOOPBACK, ENGINE, LOOPBACK, CLIENT, seq, 0x18, payload,
                payload.length);
    }

    private static byte[] headers(int stream) {
        return frame(1, 0x4, stream, new byte[] {(byte) 0x83, (byte) 0x86});
    }

    /** DATA frames of at most MAX_FRAME bytes each, the first one padded (as HTTP/2 allows). */
    private static byte[] data(int stream, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = true;
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(first ? MAX_FRAME - 4 : MAX_FRAME, bytes.length - at);
            byte[] chunk = Arrays.copyOfRange(bytes, at, at + n);
            out.writeBytes(first ? frame(0, 0x8, stream, concat(new byte[] {3}, chunk, new byte[3]))
                    : frame(0, 0, stream, chunk));
            first = false;
            at += n;
        }
        return out.toByteArray();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    private static byte[] grpc(byte[] message) {
        byte[] prefix = {0, (byte) (message.length >>> 24), (byte) (message.length >>> 16),
                (byte) (message.length >>> 8), (byte) message.length};
        return concat(prefix, message);
    }

    /** Field 1 (string) of a protobuf message, as SynthesizeRequest.text is sent. */
    private static byte[] protobufText(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {0x0a, (byte) utf8.length}, utf8, new byte[] {0x10, 0x01});
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
