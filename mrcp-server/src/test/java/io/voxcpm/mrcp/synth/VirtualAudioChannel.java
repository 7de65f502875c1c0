package io.voxcpm.mrcp.synth;

import io.netty.util.concurrent.EventExecutor;
import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.rtp.AudioChannel;
import io.voxcpm.rtp.Talkspurt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for {@code RtpAudioChannel} on virtual time (the real one, with its sockets and shared media
 * clock, is covered by the RTP tests and the end-to-end suites): one frame per ptime leaves on the given
 * executor's clock and is recorded instead of sent. It keeps the {@link Talkspurt} contract the synthesizer
 * relies on: the marker bit on a talkspurt's first frame and on the first after a resume, no frames and no
 * listener after an abort, {@code onPlayedOut} on the tick that sends the last frame of a finished talkspurt,
 * and a new talkspurt aborting the one still playing. Confined to the executor's thread.
 */
final class VirtualAudioChannel implements AudioChannel {

    /** One frame that left, when (executor time, ms) and with which marker bit. */
    record Sent(long atMillis, boolean marker, byte[] frame) { }

    private final EventExecutor executor;
    private final int frameBytes;
    private final List<Sent> sent = new ArrayList<>();
    private final List<EncodedFrames> played = new ArrayList<>();
    private Spurt current;
    private int talkspurts;
    private boolean closed;

    VirtualAudioChannel(EventExecutor executor, int frameBytes, int ptimeMs) {
        this.executor = executor;
        this.frameBytes = frameBytes;
        executor.scheduleAtFixedRate(this::tick, ptimeMs, ptimeMs, TimeUnit.MILLISECONDS);
    }

    List<Sent> sent() {
        return sent;
    }

    /** Frames written to the current talkspurt and not yet sent. */
    int queued() {
        return current == null ? 0 : current.frames.size();
    }

    /** How many talkspurts were begun. */
    int talkspurts() {
        return talkspurts;
    }

    /** Every stored frame set a talkspurt was started on, in order. */
    List<EncodedFrames> played() {
        return played;
    }

    @Override
    public int frameBytes() {
        return frameBytes;
    }

    @Override
    public Talkspurt begin(Talkspurt.Listener listener) {
        if (current != null) {
            current.abort();
        }
        current = new Spurt(listener);
        talkspurts++;
        return current;
    }

    /** Copies the frames into the talkspurt: sharing is the real channel's business, recording this one's. */
    @Override
    public Talkspurt play(EncodedFrames frames, int fromFrame, Talkspurt.Listener listener) {
        Talkspurt talkspurt = begin(listener);
        for (int i = fromFrame; i < frames.count(); i++) {
            talkspurt.write(frames.frame(i));
        }
        talkspurt.finish();
        played.add(frames);
        return talkspurt;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void tick() {
        if (current != null && !closed) {
            current.tick();
        }
    }

    private final class Spurt implements Talkspurt {
        private final Listener listener;
        private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        private boolean finished;
        private boolean paused;
        private boolean over;
        private boolean marker = true;
        private long firstPacketNanos = -1;

        Spurt(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void write(byte[] frame) {
            if (frame.length != frameBytes) {
                throw new IllegalArgumentException("frame of " + frame.length + " bytes");
            }
            if (finished) {
                throw new IllegalStateException("write after finish()");
            }
            if (!over) {
                frames.add(frame);
            }
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            if (paused) {
                marker = true;
                paused = false;
            }
        }

        @Override
        public void abort() {
            over = true;
            frames.clear();
        }

        /** On the virtual clock (the real talkspurt reads System.nanoTime()). */
        @Override
        public long firstPacketNanos() {
            return firstPacketNanos;
        }

        void tick() {
            if (paused || over) {
                return;
            }
            byte[] frame = frames.poll();
            if (frame != null) {
                long now = executor.ticker().nanoTime();
                if (firstPacketNanos < 0) {
                    firstPacketNanos = now;
                }
                sent.add(new Sent(TimeUnit.NANOSECONDS.toMillis(now), marker, frame));
                marker = false;
            }
            if (finished && frames.isEmpty()) {
                over = true;
                listener.onPlayedOut();
            }
        }
    }
}
