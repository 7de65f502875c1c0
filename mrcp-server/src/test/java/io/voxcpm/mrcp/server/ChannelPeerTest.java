package io.voxcpm.mrcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A channel identifier is no bearer token: a request for a channel from a host its resource does not accept is
 * answered as if the channel did not exist, and that connection does not become the channel's (so its close
 * cannot start the session's termination).
 */
class ChannelPeerTest {

    private static final String CHANNEL = "0123abcd@speechsynth";

    private final MrcpChannelRegistry registry = new MrcpChannelRegistry();
    private final List<String> served = new ArrayList<>();
    private final List<String> closedOn = new ArrayList<>();

    private final MrcpResource session = new MrcpResource() {
        @Override
        public boolean acceptsFrom(InetAddress peer) {
            return peer.getHostAddress().equals("127.0.0.1");
        }

        @Override
        public void onRequest(MrcpRequest request, MrcpConnection connection) {
            served.add(connection.remoteAddress().getAddress().getHostAddress());
            connection.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
        }

        @Override
        public void onConnectionClosed(MrcpConnection connection) {
            closedOn.add(connection.remoteAddress().getAddress().getHostAddress());
        }
    };

    @Test
    void onlyTheSessionsPeerReachesItsChannel() {
        registry.register(CHANNEL, session);
        EmbeddedChannel stranger = connection("192.0.2.66");
        EmbeddedChannel pbx = connection("127.0.0.1");

        assertThat(status(stranger, 1)).isEqualTo(MrcpStatus.RESOURCE_NOT_ALLOCATED);
        assertThat(status(pbx, 2)).isEqualTo(MrcpStatus.SUCCESS);
        assertThat(status(stranger, 3)).as("still not, after the PBX used it").isEqualTo(MrcpStatus.RESOURCE_NOT_ALLOCATED);
        assertThat(served).containsExactly("127.0.0.1");

        stranger.close();
        assertThat(closedOn).as("the stranger's close means nothing to the session").isEmpty();
        pbx.close();
        assertThat(closedOn).containsExactly("127.0.0.1");
    }

    private EmbeddedChannel connection(String remote) {
        InetSocketAddress address = new InetSocketAddress(remote, 40000);
        return new EmbeddedChannel(new MrcpConnectionHandler(registry)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return address;
            }

            @Override
            protected SocketAddress localAddress0() {
                return new InetSocketAddress("127.0.0.1", 1544);
            }
        };
    }

    private static int status(EmbeddedChannel connection, long id) {
        connection.writeInbound(new MrcpRequest("GET-PARAMS", id,
                MrcpHeaders.builder().add("Channel-Identifier", CHANNEL).build()));
        connection.runPendingTasks();
        MrcpResponse response = connection.readOutbound();
        return response.statusCode();
    }
}
