package io.voxcpm.sip;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;

/** One received SIP message: a datagram, or a message framed off a TCP connection. */
record Inbound(byte[] bytes, InetSocketAddress sender, InetSocketAddress local, Channel channel, boolean reliable) { }
