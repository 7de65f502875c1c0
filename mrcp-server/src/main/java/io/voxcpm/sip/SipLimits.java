package io.voxcpm.sip;

import io.voxcpm.net.IpNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one signalling source may hold or cost: no source fills the transaction table for the others, sets
 * up sessions faster than a PBX would, or makes the server answer a flood of spoofed requests.
 *
 * @param ackTimeout               a new dialog's 2xx over UDP that gets no ACK this long ends the call
 *                                 ({@code ACK_TIMEOUT}); a spoofed INVITE's session holds its RTP port no longer.
 *                                 Capped by Timer H (64*T1).
 * @param maxTransactionsPerSource server transactions of one source IP in progress at once (awaiting a final
 *                                 response, or an INVITE's awaiting its ACK); its further requests get 503 with
 *                                 Retry-After, while other sources (and its BYEs for dialogs it has) go on. Its
 *                                 finished transactions, kept 64*T1 to absorb retransmissions, do not count: twice
 *                                 this many are kept, the oldest forgotten first
 *                                 ({@link #maxLingeringTransactionsPerSource})
 * @param invitesPerSecond         new INVITEs a second from one source IP on average (0: no limit); beyond it
 *                                 503 with Retry-After
 * @param inviteBurst              new INVITEs one source may send at once
 * @param rejectionsPerSecond      stateless rejections (400, 416, 420, 503...) sent to one source a second;
 *                                 beyond it requests are dropped unanswered, so a spoofed source cannot use the
 *                                 server as an amplifier (0: no limit)
 * @param allowedSources           when not empty, only these networks are served: SIP from anywhere else is
 *                                 dropped without an answer
 * @param maxAwaitingAck           new UDP sessions at once whose INVITE has not been confirmed by an ACK (from the
 *                                 moment the application is asked until the ACK, the ack timeout or Timer H): a
 *                                 flood of spoofed INVITEs holds at most this many sessions and RTP ports, so keep
 *                                 it below the session cap. Further UDP INVITEs get 503 with Retry-After (0: no cap)
 * @param maxAwaitingAckPerSource  the same, from one source IP (0: no cap)
 */
public record SipLimits(Duration ackTimeout, int maxTransactionsPerSource, double invitesPerSecond, int inviteBurst,
                        double rejectionsPerSecond, List<IpNetwork> allowedSources, int maxAwaitingAck,
                        int maxAwaitingAckPerSource) {

    /** Half the default session cap (480) may wait for ACKs; one source as many as its INVITE burst. */
    public static final int DEFAULT_MAX_AWAITING_ACK = 240;
    public static final int DEFAULT_MAX_AWAITING_ACK_PER_SOURCE = 200;

    public static final SipLimits DEFAULTS = new SipLimits(Duration.ofSeconds(8), 5000, 100, 200, 20, List.of());

    public SipLimits {
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        allowedSources = List.copyOf(allowedSources);
        if (ackTimeout.isNegative() || ackTimeout.isZero() || maxTransactionsPerSource < 1 || inviteBurst < 1
                || invitesPerSecond < 0 || rejectionsPerSecond < 0) {
            throw new IllegalArgumentException("SIP limits must be positive (rates 0 for none)");
        }
        if (maxAwaitingAck < 0 || maxAwaitingAckPerSource < 0) {
            throw new IllegalArgumentException("the caps on sessions awaiting their ACK must be 0 (none) or more, got "
                    + maxAwaitingAck + " and " + maxAwaitingAckPerSource + " per source");
        }
    }

    /** The default caps on sessions awaiting their ACK. */
    public SipLimits(Duration ackTimeout, int maxTransactionsPerSource, double invitesPerSecond, int inviteBurst,
                     double rejectionsPerSecond, List<IpNetwork> allowedSources) {
        this(ackTimeout, maxTransactionsPerSource, invitesPerSecond, inviteBurst, rejectionsPerSecond, allowedSources,
                DEFAULT_MAX_AWAITING_ACK, DEFAULT_MAX_AWAITING_ACK_PER_SOURCE);
    }

    /** These caps on new UDP sessions awaiting their ACK, in all and per source IP (0: no cap). */
    public SipLimits withAwaitingAck(int max, int perSource) {
        return new SipLimits(ackTimeout, maxTransactionsPerSource, invitesPerSecond, inviteBurst, rejectionsPerSecond,
                allowedSources, max, perSource);
    }

    /**
     * Finished transactions of one source kept only to absorb retransmissions, beyond which its oldest is
     * forgotten: twice the in-progress quota, 10,000 by default, above the ~6,400 a source holds at the default
     * INVITE rate (100 calls/s, an INVITE and a BYE each, for 64*T1 = 32 s).
     */
    int maxLingeringTransactionsPerSource() {
        return (int) Math.min(Integer.MAX_VALUE, 2L * maxTransactionsPerSource);
    }

    /** Whether requests from this address are served at all. */
    boolean allows(java.net.InetAddress source) {
        return allowedSources.isEmpty() || allowedSources.stream().anyMatch(n -> n.contains(source));
    }
}
