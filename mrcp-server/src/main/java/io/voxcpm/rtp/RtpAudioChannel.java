package io.voxcpm.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.unix.Socket;
import io.voxcpm.audio.EncodedFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP sender of one session, driven by the {@link MediaClock}.
 *
 * <p>Timestamps are {@code random base + the clock's slot time in samples}: they advance with the wall
 * clock, whether a packet leaves or not, so after silence, a pause or an underrun they still match the wall
 * clock (UniMRCP drops a packet and restarts its receiver when arrival time and timestamp disagree by
 * more than 4000 samples). Sequence numbers advance only per packet sent, so they stay contiguous.
 *
 * <p>The marker bit is set on the first packet of each talkspurt and the first after a resume. It is not
 * set after an underrun (the engine briefly slower than real time): RFC 3551 §4.1 asks for it after
 * silence suppression, a deliberate pause, but UniMRCP treats a marker as a new talkspurt and re-syncs
 * its jitter buffer, which can throw away audio still buffered. The timestamp jump with contiguous
 * sequence numbers already tells the receiver that nothing was lost, and it plays the gap as silence.
 *
 * <p>Nothing is sent when no talkspurt is active or while one is paused (no comfort noise, as UniMRCP).
 *
 * <p>A tick allocates nothing: the socket is connected to the peer, so a packet is a plain buffer (no
 * address envelope, and the kernel keeps the route), and every packet is built in the same direct buffer
 * of this stream. On the epoll transport (Linux) the packet goes straight to the socket with one
 * {@code send(2)} from the clock's loop, the socket's own: no pipeline, no outbound queue, no promise. At
 * 2,000 streams that is 100,000 packets a second on one thread, and the pipeline's per-write work was most
 * of the tick. A full socket buffer drops the packet (a late packet is worth less than the next one). On
 * NIO the buffer is retained for a pipeline write and released by Netty once sent, which on the clock's own
 * loop happens inside the write; only if it is still queued at the next tick (the socket was busy) does the
 * stream leave it to the queue and take a fresh one.
 */
public final class RtpAudioChannel implements AudioChannel {

    private static final Logger log = LoggerFactory.getLogger(RtpAudioChannel.class);

    private final String sessionId;
    private final MediaClock clock;
    private final EventLoop loop;
    private final DatagramChannel socket;
    /** The socket itself on the epoll transport, written directly; null on NIO (pipeline writes). */
    private final Socket fd;
    private final int localPort;
    private final int payloadType;
    private final int ptimeMs;
    private final int samplesPerFrame;
    private final int frameBytes;
    private final int ssrc;
    private final int timestampBase;
    private final AtomicReference<RtpTalkspurt> current = new AtomicReference<>();
    private final Paced pacer = new Paced() {
        @Override
        public boolean tick(long slot) {
            return RtpAudioChannel.this.tick(slot);
        }

        @Override
        public boolean active() {
            return current.get() != null && !closed;
        }

        @Override
        public boolean midTalkspurt() {
            RtpTalkspurt talkspurt = current.get();
            return talkspurt != null && talkspurt.sentAny();
        }
    };
    /** Every packet counted, sent or dropped, and the socket's errors: logged in one line at close. */
    private final PacketTally tally;
    private volatile boolean closed;
    /** False while the peer's SDP says it will not receive (sendonly, inactive): ticks run, nothing leaves. */
    private volatile boolean sending = true;

    // Written only on the clock's event loop.
    /** The clock's slot of this tick: the wall-clock time the packet's timestamp follows. */
    private long slot;
    private int sequenceNumber;
    private long failures;
    /** The packet under construction, and a view of its memory to build it through. */
    private ByteBuf packet;
    private ByteBuffer packetBytes;
    /** The packet's native address, for {@code send(2)} without a JNI look-up per packet; 0 when unknown. */
    private long packetAddress;

    private RtpAudioChannel(String sessionId, MediaClock clock, EventLoop loop, DatagramChannel socket,
                            PacketTally tally, int payloadType, int samplesPerFrame, int ptimeMs, int frameBytes) {
        this.sessionId = sessionId;
        this.clock = clock;
        this.loop = loop;
        this.socket = socket;
        this.fd = socket instanceof EpollDatagramChannel epoll ? (Socket) epoll.fd() : null; // a LinuxSocket
        this.localPort = socket.localAddress().getPort();
        this.payloadType = payloadType;
        this.samplesPerFrame = samplesPerFrame;
        this.ptimeMs = ptimeMs;
        this.frameBytes = frameBytes;
        this.tally = tally;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        this.ssrc = random.nextInt();
        this.timestampBase = random.nextInt();
        this.sequenceNumber = random.nextInt(0x10000);
    }

    static RtpAudioChannel open(String sessionId, MediaClock clock, RtpPortAllocator ports,
                                InetSocketAddress remote, int payloadType, int samplesPerFrame, int ptimeMs,
                                int frameBytes) throws RtpPortsExhaustedException {
        EventLoop loop = clock.nextLoop();
        PacketTally tally = new PacketTally(sessionId, remote, clock.counters(loop));
        DatagramChannel socket = ports.bind(loop, clock.epoll(), tally, remote);
        RtpAudioChannel channel = new RtpAudioChannel(sessionId, clock, loop, socket, tally, payloadType,
                samplesPerFrame, ptimeMs, frameBytes);
        clock.register(loop, ptimeMs, channel.pacer);
        log.debug("[{}] RTP from port {} to {}: PT {}, {} ms, {} bytes/frame, SSRC {}", sessionId,
                channel.localPort, remote, payloadType, ptimeMs, frameBytes, Integer.toUnsignedString(channel.ssrc));
        return channel;
    }

    /** The bound local RTP port, to advertise in the SDP answer. */
    public int localPort() {
        return localPort;
    }

    public String sessionId() {
        return sessionId;
    }

    public int ssrc() {
        return ssrc;
    }

    @Override
    public int frameBytes() {
        return frameBytes;
    }

    @Override
    public Talkspurt begin(Talkspurt.Listener listener) {
        if (closed) {
            throw new IllegalStateException("RTP channel of session " + sessionId + " is closed");
        }
        return start(new RtpTalkspurt(this, listener, this::audioBegan));
    }

    /**
     * The first frame of a talkspurt that began empty (an engine still generating): the stream moves again to
     * the soonest slot with room, so that frame leaves within a slot or two, not up to a ptime later in the
     * phase picked when the talkspurt began. Nothing has been sent in it yet (its first frame was not there),
     * unless a tick sent it meanwhile, in which case the move is refused and the phase stays.
     */
    private void audioBegan(RtpTalkspurt talkspurt) {
        if (current.get() == talkspurt && !closed) {
            clock.began(loop, ptimeMs, pacer);
        }
    }

    @Override
    public Talkspurt play(EncodedFrames frames, int fromFrame, Talkspurt.Listener listener) {
        if (closed) {
            throw new IllegalStateException("RTP channel of session " + sessionId + " is closed");
        }
        if (frames.frameBytes() != frameBytes) {
            throw new IllegalArgumentException(frames + " do not fit this channel's " + frameBytes + "-byte frames");
        }
        if (fromFrame < 0 || fromFrame > frames.count()) {
            throw new IllegalArgumentException("fromFrame: " + fromFrame + " (expected: 0-" + frames.count() + ")");
        }
        return start(new RtpTalkspurt(this, listener, frames, fromFrame));
    }

    private Talkspurt start(RtpTalkspurt talkspurt) {
        RtpTalkspurt previous = current.getAndSet(talkspurt);
        if (previous != null) {
            previous.abort();
        }
        clock.began(loop, ptimeMs, pacer); // after the talkspurt is visible: see MediaClock's Shard.began
        return talkspurt;
    }

    /**
     * Whether packets leave at all. Off, talkspurts still play out on the clock (so SPEAK-COMPLETE comes on
     * time) but no packet is sent: what an SDP {@code sendonly}/{@code inactive} offer asks for.
     */
    public void setSending(boolean on) {
        sending = on;
    }

    /** Stops sending at once (a queued talkspurt is aborted, without callback) and releases the port. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RtpTalkspurt talkspurt = current.getAndSet(null);
        if (talkspurt != null) {
            talkspurt.abort();
        }
        clock.unregister(loop, ptimeMs, pacer);
        socket.close();
        tally.logLosses();
        try {
            loop.execute(this::releasePacket); // after any tick already running; later ones see closed
        } catch (RejectedExecutionException e) {
            releasePacket(); // the clock is shutting down: no tick will come
        }
        log.debug("[{}] RTP port {} closed", sessionId, localPort);
    }

    private boolean tick(long slot) {
        this.slot = slot;
        RtpTalkspurt talkspurt = current.get();
        if (talkspurt == null || closed) {
            return false;
        }
        try {
            talkspurt.tick();
        } catch (Throwable t) { // an Error too: it must end this talkspurt, not reach the other streams' ticks
            tickFailed(talkspurt, t);
        }
        return true;
    }

    /** A frame of a written talkspurt, on this tick. */
    void send(byte[] frame, boolean marker) {
        ByteBuffer out = header(marker);
        if (out != null) {
            out.put(frame);
            write(out);
        }
    }

    /** Frame {@code index} of a stored set, on this tick. */
    void send(EncodedFrames frames, int index, boolean marker) {
        ByteBuffer out = header(marker);
        if (out != null) {
            frames.copyFrame(index, out);
            write(out);
        }
    }

    /** The packet buffer with this tick's header in it, or null when the packet is dropped. */
    private ByteBuffer header(boolean marker) {
        if (!sending) {
            return null; // the offer said sendonly/inactive: the clock runs, nothing leaves
        }
        if (!socket.isWritable()) {
            // The socket buffer is full: a late packet is worth less than the next one, so drop it.
            tally.count(false);
            return null;
        }
        if (packet == null || fd == null && packet.refCnt() != 1) { // only a pipeline write retains it
            newPacket();
        }
        // The slot's wall-clock time in samples: one frame per ptime within a phase, and after an idle spell
        // (when the clock may have slept and this stream not ticked) still the time that passed.
        int timestamp = timestampBase + (int) (slot * samplesPerFrame / ptimeMs);
        ByteBuffer out = packetBytes;
        out.clear();
        RtpPacketEncoder.putHeader(out, marker, payloadType, sequenceNumber, timestamp, ssrc);
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        return out;
    }

    /**
     * Epoll: one {@code send(2)}, whose result says sent, dropped (buffer full: 0 bytes) or failed (e.g. the
     * peer's ICMP port unreachable, reported on the next send), a failure being a drop too. {@code send}
     * rather than {@code write}: the socket call skips the file layer (measured with perf at 1,500 streams:
     * {@code vfs_write} and {@code fdget_pos} were 9 % of the clock thread), and the buffer's address is known,
     * so the JNI side does not look it up per packet. NIO: handed to the pipeline, which counts as sent (a
     * failure surfaces later, in {@link PacketTally#exceptionCaught}).
     */
    private void write(ByteBuffer filled) {
        boolean sent;
        if (fd != null) {
            try {
                int length = filled.position();
                sent = (packetAddress != 0 ? fd.sendAddress(packetAddress, 0, length) : fd.send(filled, 0, length)) > 0;
            } catch (IOException e) {
                sent = false;
                tally.sendFailed(e);
            }
        } else {
            packet.setIndex(0, filled.position());
            socket.writeAndFlush(packet.retain(), socket.voidPromise());
            sent = true;
        }
        tally.count(sent);
    }

    /** Rare: the last packet is still queued (or this is the first), so it stays the queue's to free. */
    private void newPacket() {
        if (packet != null) {
            packet.release();
        }
        int size = RtpPacketEncoder.HEADER_BYTES + frameBytes;
        packet = socket.alloc().directBuffer(size, size);
        packetBytes = packet.nioBuffer(0, size);
        packetAddress = packet.hasMemoryAddress() ? packet.memoryAddress() : 0;
    }

    private void releasePacket() {
        if (packet != null) {
            packet.release();
            packet = null;
            packetBytes = null;
            packetAddress = 0;
        }
    }

    /**
     * Logged once per stream (a broken stream would fail 50 times a second). The talkspurt ends as if played
     * out, so its SPEAK completes instead of waiting for audio that cannot come.
     */
    private void tickFailed(RtpTalkspurt talkspurt, Throwable t) {
        if (failures++ == 0) {
            log.error("[{}] RTP tick failed; ending the talkspurt", sessionId, t);
        }
        talkspurt.end();
    }

    void playedOut(Talkspurt.Listener listener) {
        try {
            listener.onPlayedOut();
        } catch (RuntimeException e) {
            log.error("[{}] talkspurt listener failed", sessionId, e);
        }
    }

    void detach(RtpTalkspurt talkspurt) {
        current.compareAndSet(talkspurt, null);
    }
}
