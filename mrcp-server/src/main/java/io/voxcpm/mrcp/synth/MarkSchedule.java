package io.voxcpm.mrcp.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * When the {@code <mark>}s of one SPEAK are reported. The player passes a mark ahead of the audio, as far
 * ahead as the engine is; the mark is due once the modelled playout position ({@link PlayoutPosition}) has
 * sent the frame holding its sample, so the SPEECH-MARKER matches what the caller hears. Holds no timer
 * itself: it says how many frames until the next mark is due, and the channel comes back then. Confined to
 * the channel's executor.
 */
final class MarkSchedule {

    /** A mark waiting for the playout to reach frame {@code frame} of its SPEAK. */
    private record PendingMark(long frame, String name) { }

    private final long samplesPerFrame;
    private final ArrayDeque<PendingMark> marks = new ArrayDeque<>();
    private boolean timerArmed;
    private String lastReported;

    MarkSchedule(int sampleRate, int ptimeMs) {
        this.samplesPerFrame = (long) sampleRate * ptimeMs;
    }

    /** The player passed mark {@code name}, {@code sampleOffset} samples into the SPEAK. */
    void passed(String name, long sampleOffset) {
        marks.add(new PendingMark(sampleOffset * 1000 / samplesPerFrame, name));
    }

    boolean isEmpty() {
        return marks.isEmpty();
    }

    /** The marks whose frame has been sent once the playout stands at {@code position}, in order. */
    List<String> due(long position) {
        List<String> due = new ArrayList<>();
        while (!marks.isEmpty() && marks.peek().frame() < position) {
            due.add(report(marks.poll()));
        }
        return due;
    }

    /** Every mark still waiting: the audio has ended, so all of them go now. */
    List<String> drain() {
        return due(Long.MAX_VALUE);
    }

    /**
     * Frames until the next mark is due from {@code position}, arming the one timer a SPEAK has; 0 when no
     * timer is needed (no mark waits, or the timer is already armed).
     */
    long armTimer(long position) {
        if (marks.isEmpty() || timerArmed) {
            return 0;
        }
        timerArmed = true;
        return Math.max(1, marks.peek().frame() + 1 - position);
    }

    void timerFired() {
        timerArmed = false;
    }

    /** The last mark reported, which SPEAK-COMPLETE repeats (RFC 6787 §8.4.10); null when none. */
    String lastReported() {
        return lastReported;
    }

    private String report(PendingMark mark) {
        lastReported = mark.name();
        return mark.name();
    }
}
