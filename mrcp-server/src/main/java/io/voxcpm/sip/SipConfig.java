package io.voxcpm.sip;

import io.voxcpm.net.TcpLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * SIP listener settings.
 *
 * @param bindAddress     the address to listen on, e.g. {@code 0.0.0.0}
 * @param port            the UDP and TCP port (UniMRCP's default is 8060); 0 picks a free one for both
 * @param externalAddress the address to put in Contact (and for the session layer to advertise in SDP)
 *                        when the server is behind NAT; null to use the address the request arrived on
 * @param t1              RFC 3261 T1, the first 2xx retransmission interval; Timer H is 64*T1
 * @param t2              RFC 3261 T2, the retransmission interval cap
 * @param maxDialogs      dialogs kept at once; further INVITEs get 503
 * @param maxTransactions server transactions in progress at once (awaiting a final response, or an INVITE's
 *                        final response awaiting its ACK); further requests get a stateless 503 (a BYE or
 *                        CANCEL for state we hold is still let in). As many finished ones are kept besides, to
 *                        absorb retransmissions, the oldest forgotten first ({@link #maxLingeringTransactions})
 * @param sourceLimits    what one source IP may hold or cost ({@link SipLimits}); null for the defaults
 */
public record SipConfig(String bindAddress, int port, String externalAddress, Duration t1, Duration t2,
                        int maxDialogs, int maxTransactions, TcpLimits tcpLimits, Duration tcpIdleTimeout,
                        SipLimits sourceLimits) {

    public static final int DEFAULT_PORT = 8060;

    public SipConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(t1, "t1");
        Objects.requireNonNull(t2, "t2");
        Objects.requireNonNull(tcpLimits, "tcpLimits");
        sourceLimits = sourceLimits == null ? SipLimits.DEFAULTS : sourceLimits;
        if (tcpIdleTimeout == null || tcpIdleTimeout.isNegative() || tcpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("the TCP idle timeout must be positive");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (t1.isZero() || t1.isNegative() || t2.compareTo(t1) < 0) {
            throw new IllegalArgumentException("need 0 < T1 <= T2, got " + t1 + ", " + t2);
        }
        if (maxDialogs < 1 || maxTransactions < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public SipConfig(String bindAddress, int port, String externalAddress, Duration t1, Duration t2,
                     int maxDialogs, int maxTransactions) {
        this(bindAddress, port, externalAddress, t1, t2, maxDialogs, maxTransactions, TcpLimits.DEFAULTS,
                DEFAULT_TCP_IDLE_TIMEOUT, SipLimits.DEFAULTS);
    }

    /** A SIP/TCP connection without a message for this long is closed. */
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(600);

    /** All interfaces, port 8060, T1 500 ms, T2 4 s, 10000 dialogs, 20000 transactions, default TCP limits. */
    public static SipConfig defaults() {
        return new SipConfig("0.0.0.0", DEFAULT_PORT, null, Duration.ofMillis(500), Duration.ofSeconds(4),
                10_000, 20_000);
    }

    /** TCP connection caps, message deadline, write backlog, and the idle timeout. */
    public SipConfig withTcp(TcpLimits limits, Duration idleTimeout) {
        return new SipConfig(bindAddress, port, externalAddress, t1, t2, maxDialogs, maxTransactions, limits,
                idleTimeout, sourceLimits);
    }

    public SipConfig withBindAddress(String address) {
        return new SipConfig(address, port, externalAddress, t1, t2, maxDialogs, maxTransactions, tcpLimits,
                tcpIdleTimeout, sourceLimits);
    }

    public SipConfig withPort(int newPort) {
        return new SipConfig(bindAddress, newPort, externalAddress, t1, t2, maxDialogs, maxTransactions, tcpLimits,
                tcpIdleTimeout, sourceLimits);
    }

    public SipConfig withExternalAddress(String address) {
        return new SipConfig(bindAddress, port, address, t1, t2, maxDialogs, maxTransactions, tcpLimits,
                tcpIdleTimeout, sourceLimits);
    }

    /** Sets T1 and keeps T2 = 8*T1, the RFC's ratio; for fast tests. */
    public SipConfig withT1(Duration newT1) {
        return new SipConfig(bindAddress, port, externalAddress, newT1, newT1.multipliedBy(8), maxDialogs,
                maxTransactions, tcpLimits, tcpIdleTimeout, sourceLimits);
    }

    public SipConfig withLimits(int dialogs, int transactions) {
        return new SipConfig(bindAddress, port, externalAddress, t1, t2, dialogs, transactions, tcpLimits,
                tcpIdleTimeout, sourceLimits);
    }

    /** What one source may hold or cost (per-source transactions, INVITE rate, rejections, allowlist, ACK wait). */
    public SipConfig withSourceLimits(SipLimits limits) {
        return new SipConfig(bindAddress, port, externalAddress, t1, t2, maxDialogs, maxTransactions, tcpLimits,
                tcpIdleTimeout, limits);
    }

    /**
     * Finished transactions kept at once only to absorb retransmissions, beyond which the oldest is forgotten:
     * as many as may be in progress, so the table holds at most twice {@link #maxTransactions}.
     */
    int maxLingeringTransactions() {
        return maxTransactions;
    }

    /** Timer H (and the time a finished transaction is kept to absorb retransmissions): 64*T1. */
    Duration timerH() {
        return t1.multipliedBy(64);
    }
}
