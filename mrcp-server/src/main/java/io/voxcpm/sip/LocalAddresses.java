package io.voxcpm.sip;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which local IP a request arrived on. A TCP connection knows it; a UDP socket bound to the wildcard does not,
 * so the IP the kernel would route replies from is looked up (a connected, never-used datagram socket sends
 * nothing) and remembered per peer.
 */
final class LocalAddresses {

    private static final int CACHE_SIZE = 256;

    private final String externalAddress;
    private final Map<InetAddress, InetAddress> routeCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, InetAddress> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    LocalAddresses(String externalAddress) {
        this.externalAddress = externalAddress;
    }

    /** The concrete local address and port a message arrived on. */
    InetSocketAddress localFor(Inbound in) {
        InetSocketAddress local = in.local();
        if (!local.getAddress().isAnyLocalAddress()) {
            return local;
        }
        InetAddress peer = in.sender().getAddress();
        InetAddress routed = routeCache.computeIfAbsent(peer, LocalAddresses::routeTo);
        return new InetSocketAddress(routed, local.getPort());
    }

    /** The host to put in Contact: the configured external address, else the local one. */
    String advertisedHost(InetSocketAddress local) {
        if (externalAddress != null && !externalAddress.isBlank()) {
            return externalAddress.indexOf(':') >= 0 ? "[" + externalAddress + "]" : externalAddress;
        }
        String host = local.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static InetAddress routeTo(InetAddress peer) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(peer, 9);
            InetAddress local = probe.getLocalAddress();
            return local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
        } catch (IOException | RuntimeException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
