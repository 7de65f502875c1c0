package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.net.TcpLimits;
import java.time.Duration;
import java.util.List;

/**
 * The {@code mrcp:} section: the MRCPv2 listener and what one connection may hold.
 *
 * @param port                      TCP port of {@code TCP/MRCPv2}; 0 picks a free one (tests)
 * @param inactivityTimeoutS        an MRCP connection silent this long is closed (UniMRCP: 600 s)
 * @param terminationTimeoutMs      grace after an MRCP connection drops before its sessions are ended,
 *                                  so a BYE racing the TCP close wins (UniMRCP: 3 s)
 * @param maxHeadBytes              start line plus header block of one message; larger gets 504 and a close
 * @param maxBodyBytes              Content-Length of one message; larger gets 504
 * @param maxChannelsPerConnection  channels one TCP connection may carry; a request that would add one
 *                                  more gets 407
 * @param maxConnections            open MRCP connections; more are closed when accepted
 * @param maxConnectionsPerAddress  open MRCP connections from one client IP
 * @param messageTimeoutMs          a message must be complete this long after its first byte (slowloris)
 * @param maxWriteBacklogBytes      responses queued for a client that does not read before it is cut off
 * @param idleWithoutChannelS       a connection carrying no channel and sending nothing this long is closed
 */
public record MrcpConfig(Integer port, @JsonProperty("inactivity-timeout-s") Integer inactivityTimeoutS,
                         @JsonProperty("termination-timeout-ms") Integer terminationTimeoutMs,
                         @JsonProperty("max-head-bytes") Integer maxHeadBytes,
                         @JsonProperty("max-body-bytes") Integer maxBodyBytes,
                         @JsonProperty("max-channels-per-connection") Integer maxChannelsPerConnection,
                         @JsonProperty("max-connections") Integer maxConnections,
                         @JsonProperty("max-connections-per-address") Integer maxConnectionsPerAddress,
                         @JsonProperty("message-timeout-ms") Integer messageTimeoutMs,
                         @JsonProperty("max-write-backlog-bytes") Integer maxWriteBacklogBytes,
                         @JsonProperty("idle-without-channel-s") Integer idleWithoutChannelS) {

    public static final MrcpConfig DEFAULTS = new MrcpConfig(null, null, null);

    public MrcpConfig {
        port = or(port, 1544);
        inactivityTimeoutS = or(inactivityTimeoutS, 600);
        terminationTimeoutMs = or(terminationTimeoutMs, 3000);
        maxHeadBytes = or(maxHeadBytes, 16 * 1024);
        maxBodyBytes = or(maxBodyBytes, 256 * 1024);
        maxChannelsPerConnection = or(maxChannelsPerConnection, 1000);
        maxConnections = or(maxConnections, TcpLimits.DEFAULTS.maxConnections());
        maxConnectionsPerAddress = or(maxConnectionsPerAddress, TcpLimits.DEFAULTS.maxPerAddress());
        messageTimeoutMs = or(messageTimeoutMs, (int) TcpLimits.DEFAULTS.messageTimeout().toMillis());
        maxWriteBacklogBytes = or(maxWriteBacklogBytes, TcpLimits.DEFAULTS.maxWriteBacklogBytes());
        idleWithoutChannelS = or(idleWithoutChannelS, 60);
    }

    public MrcpConfig(Integer port, Integer inactivityTimeoutS, Integer terminationTimeoutMs, Integer maxHeadBytes,
                      Integer maxBodyBytes, Integer maxChannelsPerConnection) {
        this(port, inactivityTimeoutS, terminationTimeoutMs, maxHeadBytes, maxBodyBytes, maxChannelsPerConnection,
                null, null, null, null, null);
    }

    public MrcpConfig(Integer port, Integer inactivityTimeoutS, Integer terminationTimeoutMs) {
        this(port, inactivityTimeoutS, terminationTimeoutMs, null, null, null);
    }

    public MrcpConfig withPort(int newPort) {
        return new MrcpConfig(newPort, inactivityTimeoutS, terminationTimeoutMs, maxHeadBytes, maxBodyBytes,
                maxChannelsPerConnection, maxConnections, maxConnectionsPerAddress, messageTimeoutMs,
                maxWriteBacklogBytes, idleWithoutChannelS);
    }

    /** The connection caps; call on a validated configuration. */
    public TcpLimits tcpLimits() {
        return new TcpLimits(maxConnections, maxConnectionsPerAddress, Duration.ofMillis(messageTimeoutMs),
                maxWriteBacklogBytes);
    }

    void check(List<String> problems) {
        ConfigValues.checkPort(problems, "mrcp.port", port);
        if (terminationTimeoutMs < 0 || inactivityTimeoutS < 1) {
            problems.add("mrcp.termination-timeout-ms must be >= 0 and mrcp.inactivity-timeout-s >= 1");
        }
        if (maxHeadBytes < 1024 || maxBodyBytes < 1024 || maxChannelsPerConnection < 1) {
            problems.add("mrcp.max-head-bytes and mrcp.max-body-bytes must be at least 1024, "
                    + "mrcp.max-channels-per-connection at least 1");
        }
    }
}
