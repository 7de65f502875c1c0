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
 * request came from, which decides who hears about a closed connection. Each connection keeps the set of
 * channels it carries, so routing, the per-connection cap and a closing connection cost the same with
 * 3,000 sessions as with one (a scan of every channel per first request made 2,000 simultaneous SPEAKs
 * quadratic). Thread-safe: sessions register from SIP threads, connections look up from their event loops.
 */
public final class MrcpChannelRegistry {

    private static final Logger log = LoggerFactory.getLogger(MrcpChannelRegistry.class);

    private static final class Binding {
        final String channelId;
        final MrcpResource resource;
        /** Negotiated as TCP/TLS/MRCPv2: never served over plain TCP (no downgrade by a third party). */
        final boolean tlsOnly;
        /** Changed under the binding's lock, with the connections' carried sets. */
        volatile MrcpConnection connection;

        Binding(String channelId, MrcpResource resource, boolean tlsOnly) {
            this.channelId = channelId;
            this.resource = resource;
            this.tlsOnly = tlsOnly;
        }

        synchronized void moveTo(MrcpConnection to) {
            if (connection != null) {
                connection.carried.remove(this);
            }
            connection = to;
            if (to != null) {
                to.carried.add(this);
            }
        }
    }

    private final Map<String, Binding> channels = new ConcurrentHashMap<>();
    private final Set<MrcpConnection> connections = ConcurrentHashMap.newKeySet();
    /** Open connections per client address: an INVITE offering connection:existing asks, and must not scan. */
    private final Map<InetAddress, Integer> connectionsFrom = new ConcurrentHashMap<>();
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
        if (channels.putIfAbsent(channelId, new Binding(channelId, resource, tlsOnly)) != null) {
            throw new IllegalStateException("MRCP channel already registered: " + channelId);
        }
    }

    /** Removes a channel at session teardown; returns false if it was not registered. */
    public boolean unregister(String channelId) {
        Binding binding = channels.remove(channelId);
        if (binding == null) {
            return false;
        }
        binding.moveTo(null);
        return true;
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
        return connectionsFrom.containsKey(client);
    }

    public int channelCount() {
        return channels.size();
    }

    public int connectionCount() {
        return connections.size();
    }

    void connectionOpened(MrcpConnection connection) {
        if (connections.add(connection)) {
            connectionsFrom.merge(connection.remoteAddress().getAddress(), 1, Integer::sum);
        }
    }

    /** Tells every channel last seen on the closed connection. */
    void connectionClosed(MrcpConnection connection) {
        if (connections.remove(connection)) {
            connectionsFrom.computeIfPresent(connection.remoteAddress().getAddress(), (a, n) -> n == 1 ? null : n - 1);
        }
        for (Object carried : connection.carried.toArray()) {
            Binding binding = (Binding) carried;
            if (binding.connection == connection) {
                try {
                    binding.resource.onConnectionClosed(connection);
                } catch (RuntimeException e) {
                    log.warn("{}: connection-closed handler failed: {}", binding.channelId, e.toString(), e);
                }
            }
        }
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
        if (binding.connection != from) {
            binding.moveTo(from);
        }
        return binding.resource;
    }

    /**
     * Whether routing this channel's request onto {@code from} would make it carry more channels than
     * allowed. Only a channel's first request on a connection counts.
     */
    boolean wouldExceedLimit(String channelId, MrcpConnection from) {
        Binding binding = channelId == null ? null : channels.get(channelId);
        return binding != null && binding.connection != from && from.carried.size() >= maxChannelsPerConnection;
    }

    public int maxChannelsPerConnection() {
        return maxChannelsPerConnection;
    }

    /** Whether any registered channel's latest request came on this connection. */
    boolean carriesChannels(MrcpConnection connection) {
        return !connection.carried.isEmpty();
    }
}
