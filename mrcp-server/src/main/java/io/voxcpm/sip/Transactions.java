package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The transaction layer (RFC 3261 §17.2): the table of server transactions by key and the timers that
 * repeat final responses and end transactions. Confined to the SIP event loop.
 *
 * <p>The quotas ({@link SipConfig#maxTransactions}, {@link SipLimits#maxTransactionsPerSource}) count the
 * transactions in progress: awaiting their final response, or an INVITE's final response awaiting its ACK.
 * That is what a flood of requests that are never answered or acknowledged piles up. A finished transaction
 * lingers for 64*T1 only to absorb retransmissions; a PBX making 100 calls a second holds ~6,400 of those, so
 * they are bounded apart ({@link Lingering}), by forgetting the oldest rather than refusing new requests.
 */
final class Transactions {

    private final SipConfig config;
    private final EventLoop loop;
    private final Map<String, ServerTransaction> byKey = new HashMap<>();
    /** Transactions in progress per source IP, so that no one source fills the table for the others. */
    private final Map<InetAddress, Integer> inProgressBySource = new HashMap<>();
    private final Lingering lingering;
    private final Consumer<ServerTransaction> finished = this::linger;
    private final Consumer<ServerTransaction> unacked;

    /** @param unacked told when Timer H fires on an INVITE whose final response got no ACK */
    Transactions(SipConfig config, EventLoop loop, Consumer<ServerTransaction> unacked) {
        this.config = config;
        this.loop = loop;
        this.unacked = unacked;
        this.lingering = new Lingering(config.maxLingeringTransactions(),
                config.sourceLimits().maxLingeringTransactionsPerSource());
    }

    /** Every transaction in the table, in progress or lingering. */
    int count() {
        return byKey.size();
    }

    /** The table less what lingers: every transaction in it is one or the other. */
    int inProgress() {
        return byKey.size() - lingering.count();
    }

    int lingering() {
        return lingering.count();
    }

    boolean full() {
        return inProgress() >= config.maxTransactions();
    }

    /** Whether {@code source} holds its quota of transactions in progress ({@link SipLimits#maxTransactionsPerSource}). */
    boolean fullFor(InetAddress source) {
        return countFor(source) >= config.sourceLimits().maxTransactionsPerSource();
    }

    /** Transactions in progress from {@code source}. */
    int countFor(InetAddress source) {
        return inProgressBySource.getOrDefault(source, 0);
    }

    ServerTransaction find(String key) {
        return byKey.get(key);
    }

    ServerTransaction open(String key, SIPRequest request, Route route, String toTag, SipCall call,
                           boolean initialInvite) {
        ServerTransaction tx = new ServerTransaction(key, request, route, toTag, call, initialInvite, finished);
        ServerTransaction replaced = byKey.put(key, tx);
        if (replaced != null) {
            replaced.cancelTimers();
            replaced.settle();
            uncount(replaced);
        }
        inProgressBySource.merge(tx.source(), 1, Integer::sum);
        return tx;
    }

    /** A rejection decided before any state existed: sent once, never retransmitted (no amplification). */
    void sendOnce(ServerTransaction tx, SIPResponse response) {
        tx.answerOnce();
        sendFinal(tx, response);
    }

    /**
     * Sends a final response and arranges what follows: over UDP an INVITE's final response is repeated
     * (T1 doubling up to T2) until the ACK; every transaction is kept for 64*T1 to absorb retransmitted
     * requests (RFC 6026 for the 2xx), except a non-INVITE one over TCP, which cannot be retransmitted.
     */
    void sendFinal(ServerTransaction tx, SIPResponse response) {
        tx.complete(SipMessages.encode(response, tx.route), response.getStatusCode());
        if (tx.isInvite()) {
            tx.expiry = loop.schedule(() -> expire(tx), config.timerH().toNanos(), TimeUnit.NANOSECONDS);
            if (tx.answersOnce()) {
                linger(tx);  // never repeated: only a retransmitted INVITE can fetch it again
            } else if (!tx.route.reliable()) {
                scheduleRetransmit(tx, config.t1().toNanos());
            }
        } else if (tx.route.reliable()) {
            remove(tx);
        } else {
            tx.expiry = loop.schedule(() -> remove(tx), config.timerH().toNanos(), TimeUnit.NANOSECONDS);
            linger(tx);
        }
    }

    /**
     * {@code tx} waits for nothing more from its peer: it leaves the in-progress count and lingers, and the
     * oldest lingering transactions are forgotten if that overfills a cap.
     */
    private void linger(ServerTransaction tx) {
        if (tx.lingering || byKey.get(tx.key) != tx) {
            return;
        }
        uncount(tx);
        tx.lingering = true;
        lingering.add(tx);
        for (ServerTransaction oldest; (oldest = lingering.overflow(tx.source())) != null; ) {
            remove(oldest);
        }
    }

    private void scheduleRetransmit(ServerTransaction tx, long intervalNanos) {
        tx.retransmit = loop.schedule(() -> {
            if (tx.resendFinal()) {
                scheduleRetransmit(tx, Math.min(intervalNanos * 2, config.t2().toNanos()));
            }
        }, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Timer H: the transaction ends; a 2xx that never got its ACK is reported. */
    private void expire(ServerTransaction tx) {
        boolean wasUnacked = tx.state() == ServerTransaction.State.COMPLETED;
        remove(tx);
        if (wasUnacked && tx.finalStatus() < 300 && tx.call != null) {
            unacked.accept(tx);
        }
    }

    void remove(ServerTransaction tx) {
        tx.cancelTimers();
        tx.settle();
        if (byKey.remove(tx.key, tx)) {
            uncount(tx);
        }
    }

    /** Takes {@code tx}, which has just left the table or the in-progress set, off its count. */
    private void uncount(ServerTransaction tx) {
        if (tx.lingering) {
            lingering.remove(tx);
        } else {
            inProgressBySource.computeIfPresent(tx.source(), (source, n) -> n > 1 ? n - 1 : null);
        }
    }

    void clear() {
        byKey.values().forEach(ServerTransaction::cancelTimers);
        byKey.values().forEach(ServerTransaction::settle);
        byKey.clear();
        inProgressBySource.clear();
        lingering.clear();
    }
}
