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
 */
final class Transactions {

    private final SipConfig config;
    private final EventLoop loop;
    private final Map<String, ServerTransaction> byKey = new HashMap<>();
    /** Transactions per source IP, so that no one source fills the table for the others. */
    private final Map<InetAddress, Integer> bySource = new HashMap<>();
    private final Consumer<ServerTransaction> unacked;

    /** @param unacked told when Timer H fires on an INVITE whose final response got no ACK */
    Transactions(SipConfig config, EventLoop loop, Consumer<ServerTransaction> unacked) {
        this.config = config;
        this.loop = loop;
        this.unacked = unacked;
    }

    int count() {
        return byKey.size();
    }

    boolean full() {
        return byKey.size() >= config.maxTransactions();
    }

    /** Whether {@code source} holds its quota of transactions ({@link SipLimits#maxTransactionsPerSource}). */
    boolean fullFor(InetAddress source) {
        return bySource.getOrDefault(source, 0) >= config.sourceLimits().maxTransactionsPerSource();
    }

    int countFor(InetAddress source) {
        return bySource.getOrDefault(source, 0);
    }

    ServerTransaction find(String key) {
        return byKey.get(key);
    }

    ServerTransaction open(String key, SIPRequest request, Route route, String toTag, SipCall call,
                           boolean initialInvite) {
        ServerTransaction tx = new ServerTransaction(key, request, route, toTag, call, initialInvite);
        ServerTransaction replaced = byKey.put(key, tx);
        if (replaced != null) {
            replaced.cancelTimers();
            replaced.settle();
            uncount(replaced);
        }
        bySource.merge(tx.route.target().getAddress(), 1, Integer::sum);
        return tx;
    }

    /**
     * Sends a final response and arranges what follows: over UDP an INVITE's final response is repeated
     * (T1 doubling up to T2) until the ACK; every transaction is kept for 64*T1 to absorb retransmitted
     * requests (RFC 6026 for the 2xx), except a non-INVITE one over TCP, which cannot be retransmitted.
     */
    /** A rejection decided before any state existed: sent once, never retransmitted (no amplification). */
    void sendOnce(ServerTransaction tx, SIPResponse response) {
        tx.answerOnce();
        sendFinal(tx, response);
    }

    void sendFinal(ServerTransaction tx, SIPResponse response) {
        tx.complete(SipMessages.encode(response, tx.route), response.getStatusCode());
        if (tx.isInvite()) {
            if (!tx.route.reliable() && !tx.answersOnce()) {
                scheduleRetransmit(tx, config.t1().toNanos());
            }
            tx.expiry = loop.schedule(() -> expire(tx), config.timerH().toNanos(), TimeUnit.NANOSECONDS);
        } else if (tx.route.reliable()) {
            remove(tx);
        } else {
            tx.expiry = loop.schedule(() -> remove(tx), config.timerH().toNanos(), TimeUnit.NANOSECONDS);
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

    private void uncount(ServerTransaction tx) {
        bySource.computeIfPresent(tx.route.target().getAddress(), (source, n) -> n > 1 ? n - 1 : null);
    }

    void clear() {
        byKey.values().forEach(ServerTransaction::cancelTimers);
        byKey.values().forEach(ServerTransaction::settle);
        byKey.clear();
        bySource.clear();
    }
}
