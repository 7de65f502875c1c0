package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code sip:} section: where SIP listens and what it tells peers.
 *
 * @param address                     the local address to listen on
 * @param port                        UDP and TCP port; 0 picks a free one (tests)
 * @param advertisedAddress           the address written into SDP answers and Contact headers (behind NAT); when
 *                                    null, the address each request arrived on
 * @param t1Ms                        RFC 3261 T1, the base of the UDP retransmission timers
 * @param tcpMaxConnections           open SIP/TCP connections; more are closed when accepted
 * @param tcpMaxConnectionsPerAddress open SIP/TCP connections from one client IP
 * @param tcpIdleTimeoutS             a SIP/TCP connection without a message this long is closed
 */
public record SipEndpointConfig(String address, Integer port,
                                @JsonProperty("advertised-address") String advertisedAddress,
                                @JsonProperty("t1-ms") Integer t1Ms,
                                @JsonProperty("tcp-max-connections") Integer tcpMaxConnections,
                                @JsonProperty("tcp-max-connections-per-address") Integer tcpMaxConnectionsPerAddress,
                                @JsonProperty("tcp-idle-timeout-s") Integer tcpIdleTimeoutS) {

    public static final SipEndpointConfig DEFAULTS = new SipEndpointConfig(null, null, null, null);

    public SipEndpointConfig {
        address = or(address, "0.0.0.0");
        port = or(port, 8060);
        t1Ms = or(t1Ms, 500);
        tcpMaxConnections = or(tcpMaxConnections, 1000);
        tcpMaxConnectionsPerAddress = or(tcpMaxConnectionsPerAddress, 100);
        tcpIdleTimeoutS = or(tcpIdleTimeoutS, 600);
    }

    /** The listening part; the TCP caps take their defaults. */
    public SipEndpointConfig(String address, Integer port, String advertisedAddress, Integer t1Ms) {
        this(address, port, advertisedAddress, t1Ms, null, null, null);
    }

    public SipEndpointConfig withAddress(String value) {
        return new SipEndpointConfig(value, port, advertisedAddress, t1Ms, tcpMaxConnections,
                tcpMaxConnectionsPerAddress, tcpIdleTimeoutS);
    }

    public SipEndpointConfig withPort(int value) {
        return new SipEndpointConfig(address, value, advertisedAddress, t1Ms, tcpMaxConnections,
                tcpMaxConnectionsPerAddress, tcpIdleTimeoutS);
    }

    public SipEndpointConfig withAdvertisedAddress(String value) {
        return new SipEndpointConfig(address, port, value, t1Ms, tcpMaxConnections, tcpMaxConnectionsPerAddress,
                tcpIdleTimeoutS);
    }

    void check(List<String> problems) {
        ConfigValues.checkPort(problems, "sip.port", port);
    }
}
