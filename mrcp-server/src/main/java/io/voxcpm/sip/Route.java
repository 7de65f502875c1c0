package io.voxcpm.sip;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.voxcpm.net.PemTls;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

/**
 * Where a request came from and where its responses go: over TCP the same connection, over UDP a datagram
 * to the address chosen from the Via (RFC 3261 §18.2.2 with RFC 3581 rport).
 */
record Route(Channel channel, InetSocketAddress target, boolean reliable) {

    String transport() {
        return !reliable ? "UDP" : PemTls.isTls(channel) ? "TLS" : "TCP";
    }

    void send(byte[] bytes) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(reliable
                ? Unpooled.wrappedBuffer(bytes)
                : new DatagramPacket(Unpooled.wrappedBuffer(bytes), target));
    }
}
