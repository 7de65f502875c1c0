package io.voxcpm.rtp;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one packetization time on one clock loop, each given a phase: one of the ptime's
 * {@value MediaClock#SLOT_MS} ms slots, in which it sends every ptime. The loop runs one slot a
 * millisecond ({@link #run}); a stream ticks only in its own slot, so its packets stay exactly one ptime
 * apart while the packets of all streams are spread evenly over the ptime.
 *
 * <p>Why phases: with every stream on one 20 ms tick, each tick sends every packet at once. At 2,000
 * streams that is a burst of 2,000 system calls (10–15 ms of a 20 ms period on the 2-core machine, the
 * load tool and its captures beside it, measured 6 Dec 2026), and a stream's packet leaves as late as its
 * place in the burst: any preemption or slower packet early in the burst delays every later stream, and
 * by a different amount each tick — that variation is the jitter the receivers see. Spread over twenty
 * slots, a wake-up sends about 100 packets (well under a millisecond) and a delay reaches only the streams
 * of that slot. The sum of work is the same; its peak is a twentieth.
 *
 * <p>A new stream takes the slot with the fewest streams, the soonest of those on a tie (so a lone stream
 * starts within a slot or two, not up to a ptime later). When one of its talkspurts begins it moves to the
 * soonest slot with room ({@link #restart}), and keeps that slot while the talkspurt plays: a phase that moved
 * while a stream plays would shorten or stretch one interval. Touched only from its loop; {@link #run}
 * allocates nothing and a throwing stream never stops the others.
 */
final class PhaseWheel {

    private static final Logger log = LoggerFactory.getLogger(PhaseWheel.class);

    private final List<List<Paced>> slots;
    private int size;
    /** Failures caught in {@link #run}, for the rate of the log line. */
    private long failures;

    /** A wheel of {@code slots} phases: the ptime in slots of the clock. */
    PhaseWheel(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: >= 1)");
        }
        this.slots = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            this.slots.add(new ArrayList<>());
        }
    }

    /** Places {@code stream} in the least used phase, the first from {@code nextSlot} on among equals. */
    void add(Paced stream, long nextSlot) {
        int n = slots.size();
        int first = index(nextSlot);
        int best = first;
        for (int k = 1; k < n; k++) {
            int i = (first + k) % n;
            if (slots.get(i).size() < slots.get(best).size()) {
                best = i;
            }
        }
        slots.get(best).add(stream);
        size++;
    }

    /**
     * Moves {@code stream}, whose talkspurt just began, to the soonest phase from {@code nextSlot} on that holds
     * no more than its balanced share of the streams plus an eighth: its first packet leaves within a slot or
     * two instead of waiting up to a ptime for the phase it was given when its session was set up, while no
     * phase grows far past the others when many talkspurts begin in the same few milliseconds. Moving is safe
     * only here: the previous talkspurt is over or aborted, and the new one's first packet carries the marker
     * bit, so no interval within a talkspurt changes. Returns whether the stream moved (or stayed, by choice).
     */
    boolean restart(Paced stream, long nextSlot) {
        if (stream.midTalkspurt() || !remove(stream)) {
            return false; // its slot ran before the move came: the talkspurt keeps the phase it began in
        }
        int n = slots.size();
        int share = (size + 1 + n - 1) / n;
        int limit = share + Math.max(1, share / 8);
        int first = index(nextSlot);
        int chosen = first;
        for (int k = 0; k < n; k++) { // the least used phase is under the share, so one always qualifies
            int i = (first + k) % n;
            if (slots.get(i).size() < limit) {
                chosen = i;
                break;
            }
        }
        slots.get(chosen).add(stream);
        size++;
        return true;
    }

    /** Whether {@code stream} was here (and is not any more). */
    boolean remove(Paced stream) {
        for (List<Paced> slot : slots) {
            if (slot.remove(stream)) {
                size--;
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    /** The ptime in slots. */
    int phases() {
        return slots.size();
    }

    /** Streams in each phase, phase 0 first (for tests and the benchmark's description). */
    int[] occupancy() {
        int[] counts = new int[slots.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = slots.get(i).size();
        }
        return counts;
    }

    /** Ticks the streams whose phase {@code slot} is; whether any of them is {@link Paced#active() active}. */
    boolean run(long slot) {
        List<Paced> due = slots.get(index(slot));
        boolean active = false;
        for (int i = 0, n = due.size(); i < n; i++) {
            try {
                active |= due.get(i).tick(slot);
            } catch (Throwable t) {
                active = true; // a stream that fails is not known to be idle
                // One bad stream, even one hitting an Error (a stack overflow, an assertion), must not
                // silence the rest, nor cancel the loop's periodic task. Streams catch their own; this is
                // the last line, logged at most once per 1024 failures.
                if ((failures++ & 1023) == 0) {
                    log.error("RTP stream tick failed ({} so far)", failures, t);
                }
            }
        }
        return active;
    }

    /** Whether any stream of any phase is {@link Paced#active() active} (the check before the timer stops). */
    boolean anyActive() {
        for (List<Paced> slot : slots) {
            for (int i = 0, n = slot.size(); i < n; i++) {
                if (slot.get(i).active()) {
                    return true;
                }
            }
        }
        return false;
    }

    private int index(long slot) {
        return (int) Math.floorMod(slot, (long) slots.size());
    }
}
