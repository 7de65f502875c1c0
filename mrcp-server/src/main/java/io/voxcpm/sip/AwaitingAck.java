package io.voxcpm.sip;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The new UDP sessions whose INVITE has not been confirmed by an ACK, in all and per source IP. A UDP source
 * address costs nothing to forge, so an INVITE that is never acknowledged is how a stranger holds sessions and
 * RTP ports without a handshake; this keeps their number bounded (their time is bounded by the ack timeout and
 * Timer H). Over TCP the handshake proves the address, and the connection caps apply. Confined to the SIP event
 * loop.
 */
final class AwaitingAck {

    private final int max;
    private final int maxPerSource;
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private int count;

    /** @param max sessions in all, {@code maxPerSource} from one source IP; 0 for no cap */
    AwaitingAck(int max, int maxPerSource) {
        this.max = max;
        this.maxPerSource = maxPerSource;
    }

    int count() {
        return count;
    }

    /** Why a new UDP INVITE from {@code source} must wait, for a Warning header and the log; null when it need not. */
    String refusal(InetAddress source) {
        int fromSource = bySource.getOrDefault(source, 0);
        if (maxPerSource > 0 && fromSource >= maxPerSource) {
            return fromSource + " sessions from " + source.getHostAddress() + " await their ACK (the per-source cap)";
        }
        if (max > 0 && count >= max) {
            return count + " sessions await their ACK (the cap)";
        }
        return null;
    }

    /** Counts {@code invite}'s session until the transaction is settled: acknowledged, failed, cancelled or gone. */
    void hold(ServerTransaction invite) {
        InetAddress source = invite.route.target().getAddress();
        count++;
        bySource.merge(source, 1, Integer::sum);
        invite.onSettled(() -> {
            count--;
            bySource.computeIfPresent(source, (a, n) -> n > 1 ? n - 1 : null);
        });
    }
}
