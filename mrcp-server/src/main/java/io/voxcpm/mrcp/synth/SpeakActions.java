package io.voxcpm.mrcp.synth;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyEncoder;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.synth.SynthStateMachine.Action;
import io.voxcpm.mrcp.synth.SynthStateMachine.Complete;
import io.voxcpm.mrcp.synth.SynthStateMachine.Drop;
import io.voxcpm.mrcp.synth.SynthStateMachine.Halt;
import io.voxcpm.mrcp.synth.SynthStateMachine.Pause;
import io.voxcpm.mrcp.synth.SynthStateMachine.Respond;
import io.voxcpm.mrcp.synth.SynthStateMachine.Resume;
import io.voxcpm.mrcp.synth.SynthStateMachine.Start;
import io.voxcpm.request.SegmentPlayer;
import io.voxcpm.rtp.AudioChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Carries out what the {@link SynthStateMachine} of one channel decides: responses, starting a SPEAK's audio
 * (stored frames, another session's encoding, or the engine), halting, pausing, completing, and the marks
 * and playback events along the way, each brought back onto the channel's {@link Lane}. Confined to that
 * lane, like the machine it serves.
 */
final class SpeakActions {

    private static final Logger log = LoggerFactory.getLogger(SynthesizerChannel.class);

    private final String channelId;
    private final String logTag;
    private final SpeechEngine engine;
    private final AudioChannel audio;
    private final TelephonyFormat format;
    private final int ptimeMs;
    private final SynthSettings settings;
    private final EventExecutor executor;
    private final Ticker clock;
    private final Lane lane;
    private final SynthStateMachine<Speak> machine;
    private final SegmentPlayer player;
    /** Null when SPEAKs are never served from encoded frames. */
    private final FrameTier frames;
    private final SpeakCost cost;
    /** The channel's: true once the session is over. */
    private final BooleanSupplier closed;
    /** How this session's SPEAKs ended, for its close line. */
    final SpeakTally tally = new SpeakTally();

    SpeakActions(String channelId, String logTag, SpeechEngine engine, AudioChannel audio, TelephonyFormat format,
                 int ptimeMs, SynthSettings settings, EventExecutor executor, Lane lane,
                 SynthStateMachine<Speak> machine, SegmentPlayer player, FrameTier frames, SpeakCost cost,
                 BooleanSupplier closed) {
        this.channelId = channelId;
        this.logTag = logTag;
        this.engine = engine;
        this.audio = audio;
        this.format = format;
        this.ptimeMs = ptimeMs;
        this.settings = settings;
        this.executor = executor;
        this.clock = executor.ticker();
        this.lane = lane;
        this.machine = machine;
        this.player = player;
        this.frames = frames;
        this.cost = cost;
        this.closed = closed;
    }

    /** Carries out {@code actions} in order; {@code request} is what a {@link Respond} answers. */
    void carryOut(List<Action<Speak>> actions, MrcpRequest request, MrcpConnection replyTo) {
        CompletionStage<Void> inProgress = null;
        for (Action<Speak> action : actions) {
            if (action instanceof Respond<Speak> respond) {
                MrcpResponse response = SynthMessages.response(request, respond);
                String list = response.headers().get(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST);
                if (list != null && list.split(",").length < respond.requestIds().size()) {
                    log.warn("{} {} {}: Active-Request-Id-List capped at {} of {} ids", logTag, request.method(),
                            request.requestId(), list.split(",").length, respond.requestIds().size());
                }
                CompletionStage<Void> sent = replyTo.send(response);
                if (respond.state() == RequestState.IN_PROGRESS) {
                    inProgress = sent;
                }
            } else if (action instanceof Start<Speak> start) {
                if (!closed.getAsBoolean()) { // a session closing halts what the machine still thinks is active
                    Speak speak = start.speak();
                    speak.fromQueue = start.fromQueue();
                    speak.inProgress = inProgress;
                    begin(speak);
                    if (speak.segments != null) {
                        feed(speak);
                    } else {
                        speak.startAwaitsPlan = true;
                    }
                }
            } else if (action instanceof Halt<Speak> halt) {
                halt(halt.speak(), halt.why());
            } else if (action instanceof Drop<Speak> drop) {
                stopped(drop.speak(), drop.why());
            } else if (action instanceof Pause<Speak> pause) {
                pause.speak().playback.pause();
            } else if (action instanceof Resume<Speak> resume) {
                resume.speak().playback.resume();
                checkMarks(resume.speak()); // while paused the position stood still
            } else if (action instanceof Complete<Speak> complete) {
                sendCompletion(complete.speak(), complete.cause(), complete.reason());
            }
        }
    }

    /**
     * The SPEAK is active: its playback exists from here, before its plan may have come, so that PAUSE,
     * RESUME, CONTROL and STOP always find one (silent until {@link #feed} gives it audio).
     */
    private void begin(Speak speak) {
        speak.playback = new SpeakPlayback(audio, clock, ptimeMs, settings.maxRetainedFrames(), eventsOf(speak));
        holdUntilSent(speak);
        speak.reportStarted(settings.observer());
        if (speak.markers && speak.fromQueue) {
            // UniMRCP announces a queued SPEAK's start this way; only clients that asked for markers get it
            send(speak, SynthMessages.speechMarkerEvent(channelId, speak.requestId(), null));
        }
    }

    /** The planned SPEAK's audio: stored frames, another session's encoding of them, or the engine. */
    void feed(Speak speak) {
        EncodedFrames ready = speak.storedFrames(frames);
        if (ready != null) {
            playStored(speak, ready);
            return;
        }
        CompletableFuture<EncodedFrames> other = speak.encodedElsewhere(frames, engine);
        if (other != null) {
            log.debug("{} SPEAK {} waits for frames another session is encoding", logTag, speak.requestId());
            other.whenComplete((frames, error) -> lane.execute(() -> loaded(speak, frames)));
            return;
        }
        synthesize(speak);
    }

    /**
     * A stored prompt starts on the next tick, which can come before a busy MRCP loop has written the
     * IN-PROGRESS response; a PBX must see the response first, so the audio waits for the write.
     */
    private void holdUntilSent(Speak speak) {
        CompletionStage<Void> inProgress = speak.inProgress;
        if (inProgress == null || inProgress.toCompletableFuture().isDone()) {
            return;
        }
        SpeakPlayback playback = speak.playback;
        playback.hold();
        inProgress.whenComplete((ok, error) -> playback.release());
    }

    /** Already encoded for this codec and ptime: no engine, no disk, no DSP; it plays from the next tick. */
    private void playStored(Speak speak, EncodedFrames frames) {
        speak.fromFrameTier = true;
        if (log.isDebugEnabled()) { // describe() walks the plan: not for every SPEAK of a burst
            log.debug("{} SPEAK {} started from stored frames: {}", logTag, speak.requestId(), speak.describe());
        }
        speak.playback.playFrames(frames);
    }

    /** What another session encoded for {@code speak} arrived, or null: it gave up, so this one makes its own. */
    private void loaded(Speak speak, EncodedFrames frames) {
        if (speak != machine.active() || closed.getAsBoolean()) {
            return; // stopped, or the session ended, while waiting
        }
        if (frames != null) {
            playStored(speak, frames);
        } else {
            synthesize(speak);
        }
    }

    private void synthesize(Speak speak) {
        if (log.isDebugEnabled()) {
            log.debug("{} SPEAK {} started: {}", logTag, speak.requestId(), speak.describe());
        }
        AudioSink sink = speak.playback.encoding(new TelephonyEncoder(engine.sampleRate(), format, ptimeMs));
        // engines log on their own threads; the MDC (copied by the embedded engine) and the requests'
        // context (read by the model bridge) put this session's tag on those lines too
        MDC.put(SynthesizerChannel.LOG_TAG_MDC_KEY, logTag + " ");
        try {
            speak.synthesis = player.play(speak.segments, sink, speak.markers
                    ? (name, offset) -> lane.execute(() -> markPassed(speak, name, offset))
                    : SegmentPlayer.MarkListener.NONE, budget(speak.playback));
        } finally {
            MDC.remove(SynthesizerChannel.LOG_TAG_MDC_KEY);
        }
    }

    /** The SPEAK's audio cap, and its read-ahead measured on its playback, with timers on this channel's executor. */
    private SegmentPlayer.Budget budget(SpeakPlayback playback) {
        return new SegmentPlayer.Budget(cost.maxSpeakAudio(), cost.readAhead(), new SegmentPlayer.Backlog() {
            @Override
            public long aheadNanos() {
                return playback.aheadNanos();
            }

            @Override
            public void schedule(Runnable task, long delayNanos) {
                executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** {@code why} null: a completion follows, which reports it. */
    private void halt(Speak speak, SpeakObserver.Stop why) {
        speak.halt();
        speak.releaseFrames(frames);
        if (why != null) {
            stopped(speak, why); // after the halt: its synthesis has reported its cancellation first
        }
    }

    /** Reports a SPEAK that ends without SPEAK-COMPLETE, with how far its audio had got. */
    private void stopped(Speak speak, SpeakObserver.Stop why) {
        log.debug("{} SPEAK {} ended without SPEAK-COMPLETE: {}", logTag, speak.requestId(), why.label());
        tally.stopped(speak.playback);
        speak.reportEnded(settings.observer(),
                speak.report(sessionId(), logTag, engine.name(), ptimeMs, null, why));
    }

    private String sessionId() {
        return channelId.substring(0, channelId.indexOf('@'));
    }

    /** What the playback of {@code speak} reports, brought onto the executor. */
    private SpeakPlayback.Events eventsOf(Speak speak) {
        return new SpeakPlayback.Events() {
            @Override
            public void playedOut(int generation) {
                // the last packet has left: wait out the client's jitter buffer, then report completion
                lane.execute(() -> {
                    if (speak == machine.active()) {
                        executor.schedule(() -> lane.execute(() -> completeIfCurrent(speak, generation)),
                                settings.playoutMargin().toMillis(), TimeUnit.MILLISECONDS);
                    }
                });
            }

            @Override
            public void encoded() {
                lane.execute(() -> speak.keepEncoded(frames, format, ptimeMs, speak.playback.encodedFrames()));
            }

            @Override
            public void failed(SynthesisException error) {
                lane.execute(() -> {
                    if (speak == machine.active() && !closed.getAsBoolean()) {
                        // the engine gave up: a client waiting for the rest of a prompt that will never come
                        // is worse off than one told at once
                        carryOut(machine.failed(speak, SpeakAdmission.causeOf(error.reason(), false),
                                SynthMessages.oneLine(error.getMessage())), null, null);
                    }
                });
            }
        };
    }

    private void completeIfCurrent(Speak speak, int generation) {
        if (speak != machine.active() || closed.getAsBoolean() || !speak.playback.complete(generation)) {
            return; // stopped, or a CONTROL jump replaced the talkspurt after this one played out
        }
        carryOut(machine.playedOut(speak), null, null);
    }

    private void sendCompletion(Speak speak, CompletionCause cause, String reason) {
        String lastMark = null;
        if (cause == CompletionCause.NORMAL) {
            // marks the playout model has not reached yet (at the very end of the audio) go before completion
            for (String mark : speak.marks.drain()) {
                send(speak, SynthMessages.speechMarkerEvent(channelId, speak.requestId(), mark));
            }
            lastMark = speak.marks.lastReported();
            // per SPEAK at DEBUG: the session's close line sums them up at INFO
            log.debug("{} SPEAK {} complete: {} frames{}, first audio after {} ms", logTag, speak.requestId(),
                    speak.playback.framesQueued(), speak.fromFrameTier ? " (stored frames)" : "",
                    speak.playback.firstAudioMillis());
            tally.complete(speak.playback);
        } else if (cause == CompletionCause.CANCELLED) {
            log.debug("{} SPEAK {} cancelled: {}", logTag, speak.requestId(), reason);
            tally.stopped(speak.playback);
        } else {
            tally.failed(speak.playback);
            log.warn("{} SPEAK {} failed after {} frames: {} ({})", logTag, speak.requestId(),
                    speak.playback == null ? 0 : speak.playback.framesQueued(), cause.headerValue(), reason);
        }
        send(speak, SynthMessages.speakComplete(channelId, speak.requestId(), cause, reason, lastMark));
        speak.reportEnded(settings.observer(),
                speak.report(sessionId(), logTag, engine.name(), ptimeMs, cause, null));
    }

    private void send(Speak speak, MrcpMessage message) {
        speak.replyTo.send(message);
    }

    // ---------------------------------------------------------------- marks

    /** The player passed a {@code <mark>}; it is reported when the caller hears it ({@link MarkSchedule}). */
    private void markPassed(Speak speak, String name, long sampleOffset) {
        speak.marks.passed(name, sampleOffset);
        checkMarks(speak);
    }

    /** Sends the marks whose frame has been played; a timer comes back for the next one. */
    private void checkMarks(Speak speak) {
        if (speak != machine.active() || speak.marks.isEmpty()) {
            return;
        }
        long position = speak.playback.position();
        if (position < 0) {
            return;
        }
        for (String mark : speak.marks.due(position)) {
            send(speak, SynthMessages.speechMarkerEvent(channelId, speak.requestId(), mark));
        }
        if (machine.state() == SynthStateMachine.State.PAUSED) {
            return; // RESUME checks again
        }
        long frames = speak.marks.armTimer(position);
        if (frames > 0) {
            executor.schedule(() -> lane.execute(() -> {
                speak.marks.timerFired();
                checkMarks(speak);
            }), frames * ptimeMs, TimeUnit.MILLISECONDS);
        }
    }
}
