package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.net.IpNetwork;
import java.util.List;

/**
 * The {@code media:} section.
 *
 * @param allowedNetworks where RTP may go besides the address each INVITE came from, in CIDR notation
 *                        ({@code 10.1.0.0/16}, {@code 2001:db8::/48}, or one address): the media
 *                        gateways behind a SIP proxy. Empty (the default): only the SIP source.
 */
public record MediaConfig(@JsonProperty("allowed-networks") List<String> allowedNetworks) {

    public static final MediaConfig DEFAULTS = new MediaConfig(null);

    public MediaConfig {
        allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
    }

    /** The parsed networks; call on a {@link ServerConfig#validated() validated} configuration. */
    public List<IpNetwork> networks() {
        return allowedNetworks.stream().map(IpNetwork::parse).toList();
    }

    void check(List<String> problems) {
        for (String network : allowedNetworks) {
            try {
                IpNetwork.parse(network);
            } catch (IllegalArgumentException e) {
                problems.add("media.allowed-networks: " + e.getMessage());
            }
        }
    }
}
