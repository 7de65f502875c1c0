package io.voxcpm.sip;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Finished server transactions kept only to absorb retransmitted requests: an INVITE whose 2xx was acknowledged
 * (RFC 6026 Accepted, until Timer H), or a non-INVITE over UDP (until Timer J). They wait for nothing from
 * their peer and hold only their key, route and encoded final response, so they are not counted against the
 * in-progress quotas — a PBX's sustained call rate would otherwise fill those with calls long set up. They are
 * bounded here instead, in all and per source IP, oldest first: forgetting an old finished transaction costs
 * only its retransmission absorption (a late duplicate BYE gets 481), while refusing a new request would cost a
 * call. The per-source cap is checked first, so a busy source evicts its own before anyone else's.
 * Confined to the SIP event loop.
 */
final class Lingering {

    private final int max;
    private final int maxPerSource;
    /** Insertion order is age order: every transaction lingers for the same 64*T1 from about when it enters. */
    private final LinkedHashSet<ServerTransaction> all = new LinkedHashSet<>();
    private final Map<InetAddress, LinkedHashSet<ServerTransaction>> bySource = new HashMap<>();

    /** @param max transactions kept in all, {@code maxPerSource} from one source IP; the oldest go first */
    Lingering(int max, int maxPerSource) {
        if (max < 1 || maxPerSource < 1) {
            throw new IllegalArgumentException("the caps on finished transactions must be positive, got " + max
                    + " and " + maxPerSource + " per source");
        }
        this.max = max;
        this.maxPerSource = maxPerSource;
    }

    int count() {
        return all.size();
    }

    int countFor(InetAddress source) {
        LinkedHashSet<ServerTransaction> mine = bySource.get(source);
        return mine == null ? 0 : mine.size();
    }

    void add(ServerTransaction tx) {
        all.add(tx);
        bySource.computeIfAbsent(tx.source(), s -> new LinkedHashSet<>()).add(tx);
    }

    void remove(ServerTransaction tx) {
        all.remove(tx);
        InetAddress source = tx.source();
        LinkedHashSet<ServerTransaction> mine = bySource.get(source);
        if (mine != null && mine.remove(tx) && mine.isEmpty()) {
            bySource.remove(source);
        }
    }

    /** The transaction to evict so that both caps hold after one from {@code source} came in; null when they do. */
    ServerTransaction overflow(InetAddress source) {
        LinkedHashSet<ServerTransaction> mine = bySource.get(source);
        if (mine != null && mine.size() > maxPerSource) {
            return mine.iterator().next();
        }
        return all.size() > max ? all.iterator().next() : null;
    }

    void clear() {
        all.clear();
        bySource.clear();
    }
}
