package io.voxcpm.mrcp.server;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-wide map from channel identifier to resource, and the set of live connections.
 *
 * <p>Identifiers are matched byte-exactly and case-sensitively, as the client matches them. The map is
 * global rather than per connection because clients may send a channel's messages on any connection
 * (RFC 6787 §4, unimrcp #212); a channel is only remembered to be "on" the connection its latest
 * request came from, which decides who hears about a closed connection. Thread-safe: sessions register
 * from SIP threads, connections look up from their event loops.
 */
public final class MrcpChannelRegistry {

    private static final Logger log = LoggerFactory.getLogger(MrcpChannelRegistry.class);

    private static final class Binding {
        final MrcpResource resource;
        /** Negotiated as TCP/TLS/MRCPv2: never served over plain TCP (no downgrade by a third party). */
        final boolean tlsOnly;
        volatile MrcpConnection connection;

        Binding(MrcpResource resource, boolean tlsOnly) {
            this.resource = resource;
            this.tlsOnly = tlsOnly;
        }
    }

    private final Map<String, Binding> channels = new ConcurrentHashMap<>();
    private final Set<MrcpConnection> connections = ConcurrentHashMap.newKeySet();
    private final int maxChannelsPerConnection;

    public MrcpChannelRegistry() {
        this(Integer.MAX_VALUE);
    }

    /** @param maxChannelsPerConnection channels one connection may carry; the request adding one more gets 407 */
    public MrcpChannelRegistry(int maxChannelsPerConnection) {
        if (maxChannelsPerConnection < 1) {
            throw new IllegalArgumentException("maxChannelsPerConnection must be positive");
        }
        this.maxChannelsPerConnection = maxChannelsPerConnection;
    }

    /**
     * Adds a channel, typically when the SDP answer that announces it is built, before any connection
     * carries it.
     *
     * @throws IllegalStateException if the identifier is taken
     */
    public void register(String channelId, MrcpResource resource) {
        register(channelId, resource, false);
    }

    /**
     * @param tlsOnly the channel was offered as {@code TCP/TLS/MRCPv2}: its requests are served only when they
     *                arrive over TLS; over plain TCP it is answered as if it did not exist
     */
    public void register(String channelId, MrcpResource resource, boolean tlsOnly) {
        if (channels.putIfAbsent(channelId, new Binding(resource, tlsOnly)) != null) {
            throw new IllegalStateException("MRCP channel already registered: " + channelId);
        }
    }

    /** Removes a channel at session teardown; returns false if it was not registered. */
    public boolean unregister(String channelId) {
        return channels.remove(channelId) != null;
    }

    public Optional<MrcpResource> resource(String channelId) {
        Binding binding = channels.get(channelId);
        return binding == null ? Optional.empty() : Optional.of(binding.resource);
    }

    /** The connection that carried the channel's latest request; empty while pending or unknown. */
    public Optional<MrcpConnection> connectionOf(String channelId) {
        Binding binding = channels.get(channelId);
        return binding == null ? Optional.empty() : Optional.ofNullable(binding.connection);
    }

    /**
     * Whether an open connection from this client address exists: only then may an SDP answer say
     * {@code a=connection:existing}, otherwise the client is told to open a new one.
     */
    public boolean hasConnectionFrom(InetAddress client) {
        for (MrcpConnection connection : connections) {
            if (connection.isOpen() && connection.remoteAddress().getAddress().equals(client)) {
                return true;
            }
        }
        return false;
    }

    public int channelCount() {
        return channels.size();
    }

    public int connectionCount() {
        return connections.size();
    }

    void connectionOpened(MrcpConnection connection) {
        connections.add(connection);
    }

    /** Tells every channel last seen on the closed connection. */
    void connectionClosed(MrcpConnection connection) {
        connections.remove(connection);
        channels.forEach((channelId, binding) -> {
            if (binding.connection == connection) {
                try {
                    binding.resource.onConnectionClosed(connection);
                } catch (RuntimeException e) {
                    log.warn("{}: connection-closed handler failed: {}", channelId, e.toString(), e);
                }
            }
        });
    }

    /**
     * The resource for a request's channel, remembering the connection it came on; null if unknown, or if the
     * resource does not accept requests from that connection's host.
     */
    MrcpResource route(String channelId, MrcpConnection from) {
        Binding binding = channelId == null ? null : channels.get(channelId);
        if (binding == null || binding.tlsOnly && !from.isTls() || (binding.connection != from
                && !binding.resource.acceptsFrom(from.remoteAddress().getAddress()))) {
            return null;
        }
        binding.connection = from;
        return binding.resource;
    }

    /**
     * Whether routing this channel's request onto {@code from} would make it carry more channels than
     * allowed. Only a channel's first request on a connection counts, so the scan is rare.
     */
    boolean wouldExceedLimit(String channelId, MrcpConnection from) {
        Binding binding = channelId == null ? null : channels.get(channelId);
        if (binding == null || binding.connection == from || maxChannelsPerConnection == Integer.MAX_VALUE) {
            return false;
        }
        int carried = 0;
        for (Binding b : channels.values()) {
            if (b.connection == from && ++carried >= maxChannelsPerConnection) {
                return true;
            }
        }
        return false;
    }

    public int maxChannelsPerConnection() {
        return maxChannelsPerConnection;
    }

    /** Whether any registered channel's latest request came on this connection. */
    boolean carriesChannels(MrcpConnection connection) {
        for (Binding binding : channels.values()) {
            if (binding.connection == connection) {
                return true;
            }
        }
        return false;
    }
}
