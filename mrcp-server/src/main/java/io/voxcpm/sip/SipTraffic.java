package io.voxcpm.sip;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the SIP layer of this process has received and answered, for metrics: requests by method, final
 * and provisional responses by the method they answer and their class (1xx..6xx), messages that could not
 * be read. Process-wide (one server per process in production); counting never allocates or locks.
 */
public final class SipTraffic {

    /** The methods counted by name; any other is {@code OTHER}. */
    public static final List<String> METHODS = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "OTHER");

    private static final LongAdder[] REQUESTS = adders(METHODS.size());
    private static final LongAdder[] RESPONSES = adders(METHODS.size() * 6);
    private static final LongAdder UNREADABLE = new LongAdder();

    /** A thread whose SIP traffic is not this process's callers' (the start-up warm-up's loop), or null. */
    private static volatile Thread uncounted;

    private SipTraffic() { }

    /**
     * Leaves what {@code thread} receives and answers out of the counts (null: count every thread again): the
     * start-up warm-up drives a SIP server of its own, and its synthetic calls are not traffic.
     */
    public static void uncount(Thread thread) {
        uncounted = thread;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static int methodIndex(String method) {
        int i = METHODS.indexOf(method == null ? "" : method.toUpperCase(Locale.ROOT));
        return i < 0 ? METHODS.size() - 1 : i;
    }

    static void request(String method) {
        if (Thread.currentThread() == uncounted) {
            return;
        }
        REQUESTS[methodIndex(method)].increment();
    }

    static void response(String method, int status) {
        if (Thread.currentThread() == uncounted) {
            return;
        }
        int cls = Math.max(1, Math.min(6, status / 100));
        RESPONSES[methodIndex(method) * 6 + cls - 1].increment();
    }

    static void unreadable() {
        if (Thread.currentThread() == uncounted) {
            return;
        }
        UNREADABLE.increment();
    }

    /** Requests received (retransmissions included) by method. */
    public static Map<String, Long> requests() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < METHODS.size(); i++) {
            m.put(METHODS.get(i), REQUESTS[i].sum());
        }
        return m;
    }

    /** Responses sent (first transmissions) to {@code method}, of class {@code statusClass} (1-6). */
    public static long responses(String method, int statusClass) {
        return RESPONSES[methodIndex(method) * 6 + statusClass - 1].sum();
    }

    /** Datagrams and stream messages dropped as unreadable. */
    public static long unreadableMessages() {
        return UNREADABLE.sum();
    }
}
