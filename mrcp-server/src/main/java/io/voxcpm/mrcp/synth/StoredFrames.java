package io.voxcpm.mrcp.synth;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.request.Segment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One session's use of the shared {@link FrameTier}: which frames a SPEAK's plan would play, whether they are
 * ready, who encodes them when they are not, and keeping them once a SPEAK has encoded them whole. Works
 * without a tier too (every SPEAK is then synthesized).
 */
final class StoredFrames {

    private final FrameTier tier;
    private final SpeechEngine engine;
    private final TelephonyFormat format;
    private final int ptimeMs;

    /** @param tier null when SPEAKs are always synthesized (or replayed from disk) and encoded here */
    StoredFrames(FrameTier tier, SpeechEngine engine, TelephonyFormat format, int ptimeMs) {
        this.tier = tier;
        this.engine = engine;
        this.format = format;
        this.ptimeMs = ptimeMs;
    }

    /**
     * What a plan says in the tier whatever the format ({@link FrameTier#audioKey}), or null when it cannot be
     * stored or there is no tier. Hashes every sentence: once per prompt ({@link PlanMemo}), off the MRCP loops.
     */
    String audioKey(List<Segment> segments) {
        return tier == null ? null : FrameTier.audioKey(segments, engine);
    }

    /**
     * The tier key of a plan's audio in this session's format, or null when it has none or reports marks (marks
     * are found by the player as it goes, so such a SPEAK always plays through it).
     */
    String keyFor(String audioKey, boolean markers) {
        return audioKey == null || markers ? null : FrameTier.keyFor(audioKey, engine, format, ptimeMs);
    }

    /** Whether frames are stored under {@code frameKey} now (null: none). */
    boolean has(String frameKey) {
        return frameKey != null && tier.contains(frameKey);
    }

    /** The frames stored under {@code speak}'s key now, or null. */
    EncodedFrames ready(Speak speak) {
        return speak.frameKey == null ? null : tier.get(speak.frameKey);
    }

    /**
     * Sessions starting one prompt together wait for the first to encode it when it comes from the disk
     * (milliseconds); a fresh synthesis streams instead, and the prompt cache shares it. Returns what
     * another session is encoding for {@code speak}, or null when {@code speak} must make its own (and, if
     * its prompt is on disk, has claimed it: it ends with {@link #encoded} or {@link #release}).
     */
    CompletableFuture<EncodedFrames> encodedElsewhere(Speak speak) {
        if (speak.frameKey == null || !FrameTier.onDisk(speak.segments, engine)) {
            return null;
        }
        CompletableFuture<EncodedFrames> other = tier.join(speak.frameKey);
        if (other == null) {
            speak.claimed = true;
        }
        return other;
    }

    /**
     * The engine's audio of {@code speak} is all encoded: keep it for the next session saying this in this
     * format, and hand it to those already waiting.
     */
    void encoded(Speak speak, List<byte[]> whole) {
        if (speak.frameKey == null || speak.fromFrameTier) {
            return;
        }
        if (!whole.isEmpty()) {
            tier.put(speak.frameKey, EncodedFrames.of(format, ptimeMs, whole));
        } else if (speak.claimed) {
            tier.release(speak.frameKey);
        }
        speak.claimed = false;
    }

    /** A SPEAK that ended before its frames were whole gives its claim up, so the waiting encode their own. */
    void release(Speak speak) {
        if (speak.claimed) {
            speak.claimed = false;
            tier.release(speak.frameKey);
        }
    }
}
