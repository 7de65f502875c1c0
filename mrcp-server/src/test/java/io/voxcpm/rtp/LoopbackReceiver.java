package io.voxcpm.rtp;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain UDP socket on loopback that records every RTP packet with its arrival time, per SSRC. */
final class LoopbackReceiver implements AutoCloseable {

    record Arrival(long nanos, RtpPacket packet) {
    }

    private final DatagramChannel socket;
    private final Thread thread;
    private final Map<Integer, List<Arrival>> bySsrc = new ConcurrentHashMap<>();

    LoopbackReceiver() throws IOException {
        socket = DatagramChannel.open();
        socket.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::receive, "rtp-test-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) socket.getLocalAddress();
    }

    /** Arrivals of one stream so far, in arrival order. */
    List<Arrival> arrivals(int ssrc) {
        return new ArrayList<>(bySsrc.getOrDefault(ssrc, List.of()));
    }

    List<RtpPacket> packets(int ssrc) {
        return arrivals(ssrc).stream().map(Arrival::packet).toList();
    }

    int streams() {
        return bySsrc.size();
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        try {
            while (true) {
                buf.clear();
                socket.receive(buf);
                long now = System.nanoTime();
                buf.flip();
                RtpPacket packet = RtpPacketDecoder.decode(Unpooled.wrappedBuffer(buf));
                bySsrc.computeIfAbsent(packet.ssrc(), k -> new CopyOnWriteArrayList<>()).add(new Arrival(now, packet));
            }
        } catch (ClosedChannelException e) {
            // closed by the test
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws java.io.IOException {
        // Closing the socket ends the receiving thread; no need to wait for it.
        socket.close();
    }
}
