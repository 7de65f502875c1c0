package io.voxcpm.mrcp.server;

import io.voxcpm.mrcp.message.MrcpRequest;
import java.net.InetAddress;

/**
 * The server side of one MRCP control channel (one {@code <session>@<resource>} identifier), e.g. a
 * session's speech synthesizer. Registered in {@link MrcpChannelRegistry}.
 */
public interface MrcpResource {

    /**
     * A request for this channel. Called on the event loop of the connection it arrived on, so it must
     * not block; the answer goes back with {@link MrcpConnection#send}, now or later from any thread. A
     * thrown exception is answered with 407 on the resource's behalf. A client that spreads one channel
     * over several connections makes calls from several event loops, so a resource serializes its own
     * state.
     */
    void onRequest(MrcpRequest request, MrcpConnection connection);

    /**
     * Whether a request for this channel may come from {@code peer}: a channel identifier is no bearer token,
     * so a session serves only the hosts it was set up with. A refused request is answered as if the channel
     * did not exist (405), and its connection does not become the channel's.
     */
    default boolean acceptsFrom(InetAddress peer) {
        return true;
    }

    /**
     * The connection that carried this channel's latest request has closed. Clients close TCP around
     * their BYE, so this is a reason to start a short termination timer, not to end the session at once.
     */
    default void onConnectionClosed(MrcpConnection connection) {
    }
}
