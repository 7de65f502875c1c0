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
import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.mrcp.synth.SynthStateMachine.Action;
import io.voxcpm.mrcp.synth.SynthStateMachine.Complete;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The synthesizer resource of one session (RFC 6787 §8): routes each request to the unit that decides it
 * ({@link SynthStateMachine} for the SPEAK queue and its states, {@link SessionParameters},
 * {@link SpeakAdmission}, {@link Lexicons}), carries out the actions that come back, and logs what happened.
 *
 * <p>All state lives on one {@link EventExecutor}: requests, engine callbacks and media-clock callbacks hop
 * onto it, so a STOP can never race a SPEAK-COMPLETE. The executor's {@link Ticker} is the channel's only
 * clock, so its timers and its time readings agree, and a test's executor with a mock ticker gives both
 * virtual time. Only a SPEAK's {@link SpeakPlayback} is shared with engine threads.
 *
 * <p>Completion causes: 000 when the audio has played out; 002/003/005 (and 004 for an engine fault) from
 * the engine's failure reason, sent at once even while audio is still queued; 007 for SPEAKs queued behind
 * one that failed; 006 on DEFINE-LEXICON and on a SPEAK naming an undefined session lexicon. 001 is never
 * sent: it reports a barge-in the server detected itself (a recognizer in the same session), and a
 * synthesizer told by BARGE-IN-OCCURRED lists the killed requests in the response instead.
 */
public final class SynthesizerChannel implements MrcpResource {

    private static final Logger log = LoggerFactory.getLogger(SynthesizerChannel.class);
    /** The logback pattern prints this MDC entry in front of engine log lines. */
    static final String LOG_TAG_MDC_KEY = "call";

    private final String channelId;
    private final String logTag;
    private final SpeechEngine engine;
    private final AudioChannel audio;
    private final TelephonyFormat format;
    private final int ptimeMs;
    private final SynthSettings settings;
    private final EventExecutor executor;
    private final Ticker clock;
    private final Lexicons lexicons;
    private final SessionParameters parameters;
    private final SpeakAdmission admission;
    private final SegmentPlayer player;
    /** Null when SPEAKs are always synthesized (or replayed from disk) and encoded here. */
    private final FrameTier frameTier;
    private final SynthStateMachine<Speak> machine;
    /** Set from any thread by {@link #close()}, so requests still queued on the executor see it at once. */
    private volatile boolean closed;

    /**
     * @param channelId the full channel identifier, {@code <session-id>@speechsynth}
     * @param logTag    what every log line of this session starts with: {@code [session call-id]}
     * @param executor  where all of the channel's state lives; its ticker is the channel's clock
     */
    public SynthesizerChannel(String channelId, String logTag, SpeechEngine engine, AudioChannel audio,
                              TelephonyFormat format, int ptimeMs, SynthSettings settings, SpeakPlanning planning,
                              EventExecutor executor) {
        this.channelId = channelId;
        this.logTag = logTag;
        this.engine = engine;
        this.audio = audio;
        this.format = format;
        this.ptimeMs = ptimeMs;
        this.settings = settings;
        this.executor = executor;
        this.clock = executor.ticker();
        this.lexicons = new Lexicons(settings.maxLexicons());
        this.parameters = new SessionParameters(settings.speechMarkers(), engine::availability,
                settings.maxParameters(), settings.maxParameterBytes());
        this.admission = new SpeakAdmission(channelId.substring(0, channelId.indexOf('@')), settings.maxTextChars(),
                lexicons, planning, engine.sampleRate());
        this.machine = new SynthStateMachine<>(settings.maxPendingSpeaks());
        // no prefetch: a sentence is generated when the one before it has been (not played); engines faster
        // than real time keep the talkspurt's queue ahead anyway, and one synthesis per SPEAK keeps the load
        // of N sessions at N
        this.player = new SegmentPlayer(engine, planning.prompts(), false, planning.level());
        this.frameTier = planning.frameTier();
    }

    public String channelId() {
        return channelId;
    }

    /** Whether a SPEAK is playing, paused or queued; call it on the executor the channel was given. */
    public boolean speaking() {
        return machine.active() != null;
    }

    @Override
    public void onRequest(MrcpRequest request, MrcpConnection replyTo) {
        executor.execute(() -> {
            if (closed) {
                replyTo.send(MrcpResponse.to(request, MrcpStatus.RESOURCE_NOT_ALLOCATED, RequestState.COMPLETE));
                return;
            }
            try {
                dispatch(request, replyTo);
            } catch (RuntimeException e) {
                log.warn("{} {} {} failed: {}", logTag, request.method(), request.requestId(), e.toString(), e);
                replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE));
            }
        });
    }

    /**
     * The session is over (BYE, teardown): stop everything without telling the client. Thread-safe; requests
     * still queued are answered 405. Close the audio channel only after this has run on {@link #executor()}.
     */
    public void close() {
        closed = true;
        executor.execute(() -> carryOut(machine.close(), null, null));
    }

    /** The MRCP connection that carried this channel's requests is gone: nobody can hear the events. */
    @Override
    public void onConnectionClosed(MrcpConnection connection) {
        executor.execute(() -> {
            Speak active = machine.active();
            if (active != null && active.replyTo == connection) {
                log.info("{} MRCP connection lost: stopping SPEAK {}", logTag, active.requestId());
            }
            carryOut(machine.forget(s -> s.replyTo == connection), null, null);
        });
    }

    private void dispatch(MrcpRequest request, MrcpConnection replyTo) {
        try {
            if (!request.method().equals(MrcpMethodNames.GET_PARAMS)) { // GET-PARAMS names headers, empty values
                HeaderValues.check(request.headers());
            }
        } catch (HeaderValues.IllegalValue e) {
            log.warn("{} {} {} refused 404 (illegal value for header field): {}", logTag, request.method(),
                    request.requestId(), e.getMessage());
            replyTo.send(MrcpResponse.to(request, MrcpStatus.ILLEGAL_HEADER_VALUE, RequestState.COMPLETE));
            return;
        }
        switch (request.method()) {
            case MrcpMethodNames.SPEAK -> speak(request, replyTo);
            case MrcpMethodNames.STOP -> stop(request, replyTo);
            case MrcpMethodNames.BARGE_IN_OCCURRED -> bargeIn(request, replyTo);
            case MrcpMethodNames.PAUSE -> carryOut(machine.pause(), request, replyTo);
            case MrcpMethodNames.RESUME -> carryOut(machine.resume(), request, replyTo);
            case MrcpMethodNames.SET_PARAMS -> setParams(request, replyTo);
            case MrcpMethodNames.GET_PARAMS -> replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS,
                    RequestState.COMPLETE, parameters.get(request.headers())));
            case MrcpMethodNames.CONTROL -> replyTo.send(Control.answer(request, machine.active(), ptimeMs, logTag));
            case MrcpMethodNames.DEFINE_LEXICON -> replyTo.send(machine.state() == SynthStateMachine.State.IDLE
                    ? DefineLexicon.answer(request, lexicons, logTag, engine.name())
                    : DefineLexicon.notWhileSpeaking(request, machine.active().requestId(), logTag));
            default -> {
                log.warn("{} {} {}: not a synthesizer method", logTag, request.method(), request.requestId());
                replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_ALLOWED, RequestState.COMPLETE));
            }
        }
    }

    // ---------------------------------------------------------------- the actions of the state machine

    /** Carries out {@code actions} in order; {@code request} is what a {@link Respond} answers. */
    private void carryOut(List<Action<Speak>> actions, MrcpRequest request, MrcpConnection replyTo) {
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
                if (!closed) { // a session closing halts what the machine still thinks is active
                    start(start.speak(), start.fromQueue());
                    holdUntilSent(start.speak(), inProgress);
                    SpeakReports.started(start.speak(), inProgress, start.fromQueue(), settings.observer());
                }
            } else if (action instanceof Halt<Speak> halt) {
                halt(halt.speak());
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

    private void start(Speak speak, boolean fromQueue) {
        speak.playback = new SpeakPlayback(audio, clock, ptimeMs, settings.maxRetainedFrames(), eventsOf(speak));
        if (speak.markers && fromQueue) {
            // UniMRCP announces a queued SPEAK's start this way; only clients that asked for markers get it
            send(speak, SynthMessages.speechMarkerEvent(channelId, speak.requestId(), null));
        }
        // marks are found by the player as it goes, so a SPEAK that reports them always plays through it
        speak.frameKey = frameTier == null || speak.markers ? null
                : FrameTier.keyFor(speak.segments, engine, format, ptimeMs);
        if (speak.frameKey != null) {
            EncodedFrames ready = frameTier.get(speak.frameKey);
            if (ready != null) {
                playStored(speak, ready);
                return;
            }
            // Sessions starting one prompt together wait for the first to encode it when it comes from the
            // disk (milliseconds); a fresh synthesis streams instead, and the prompt cache shares it.
            if (FrameTier.onDisk(speak.segments, engine)) {
                CompletableFuture<EncodedFrames> other = frameTier.join(speak.frameKey);
                if (other != null) {
                    log.debug("{} SPEAK {} waits for frames another session is encoding", logTag, speak.requestId());
                    other.whenComplete((frames, error) -> executor.execute(() -> loaded(speak, frames)));
                    return;
                }
                speak.claimed = true;
            }
        }
        synthesize(speak);
    }

    /**
     * A stored prompt starts on the next tick, which can come before a busy MRCP loop has written the
     * IN-PROGRESS response; a PBX must see the response first, so the audio waits for the write.
     */
    private void holdUntilSent(Speak speak, CompletionStage<Void> inProgress) {
        if (inProgress == null || inProgress.toCompletableFuture().isDone() || speak.playback == null) {
            return;
        }
        SpeakPlayback playback = speak.playback;
        playback.hold();
        inProgress.whenComplete((ok, error) -> playback.release());
    }

    /** Already encoded for this codec and ptime: no engine, no disk, no DSP; it plays from the next tick. */
    private void playStored(Speak speak, EncodedFrames frames) {
        speak.fromFrameTier = true;
        log.debug("{} SPEAK {} started from stored frames: {}", logTag, speak.requestId(), speak.describe());
        speak.playback.playFrames(frames);
    }

    /** What another session encoded for {@code speak} arrived, or null: it gave up, so this one makes its own. */
    private void loaded(Speak speak, EncodedFrames frames) {
        if (speak != machine.active() || closed) {
            return; // stopped, or the session ended, while waiting
        }
        if (frames != null) {
            playStored(speak, frames);
        } else {
            synthesize(speak);
        }
    }

    private void synthesize(Speak speak) {
        log.debug("{} SPEAK {} started: {}", logTag, speak.requestId(), speak.describe());
        AudioSink sink = speak.playback.encoding(new TelephonyEncoder(engine.sampleRate(), format, ptimeMs));
        // engines log on their own threads; the MDC (copied by the embedded engine) and the session_id
        // parameter (read by the model bridge) put this session's tag on those lines too
        MDC.put(LOG_TAG_MDC_KEY, logTag + " ");
        try {
            speak.synthesis = player.play(speak.segments, sink, speak.markers
                    ? (name, offset) -> executor.execute(() -> markPassed(speak, name, offset))
                    : SegmentPlayer.MarkListener.NONE);
        } finally {
            MDC.remove(LOG_TAG_MDC_KEY);
        }
    }

    /**
     * The engine's audio is all encoded: keep it for the next session saying this in this format, and hand
     * it to those already waiting. A SPEAK that ended first gives its claim up instead ({@link #halt}).
     */
    private void encoded(Speak speak) {
        if (speak.frameKey == null || speak.fromFrameTier) {
            return;
        }
        List<byte[]> whole = speak.playback.encodedFrames();
        if (!whole.isEmpty()) {
            frameTier.put(speak.frameKey, EncodedFrames.of(format, ptimeMs, whole));
        } else if (speak.claimed) {
            frameTier.release(speak.frameKey);
        }
        speak.claimed = false;
    }

    private void halt(Speak speak) {
        speak.halt();
        if (speak.claimed) {
            speak.claimed = false;
            frameTier.release(speak.frameKey);
        }
    }

    /** What the playback of {@code speak} reports, brought onto the executor. */
    private SpeakPlayback.Events eventsOf(Speak speak) {
        return new SpeakPlayback.Events() {
            @Override
            public void playedOut(int generation) {
                // the last packet has left: wait out the client's jitter buffer, then report completion
                executor.execute(() -> {
                    if (speak == machine.active()) {
                        executor.schedule(() -> completeIfCurrent(speak, generation),
                                settings.playoutMargin().toMillis(), TimeUnit.MILLISECONDS);
                    }
                });
            }

            @Override
            public void encoded() {
                executor.execute(() -> SynthesizerChannel.this.encoded(speak));
            }

            @Override
            public void failed(SynthesisException error) {
                executor.execute(() -> {
                    if (speak == machine.active() && !closed) {
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
        if (speak != machine.active() || closed || !speak.playback.complete(generation)) {
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
            log.info("{} SPEAK {} complete: {} frames{}, first audio after {} ms", logTag, speak.requestId(),
                    speak.playback.framesQueued(), speak.fromFrameTier ? " (stored frames)" : "",
                    speak.playback.firstAudioMillis());
        } else if (cause == CompletionCause.CANCELLED) {
            log.info("{} SPEAK {} cancelled: {}", logTag, speak.requestId(), reason);
        } else {
            log.warn("{} SPEAK {} failed after {} frames: {} ({})", logTag, speak.requestId(),
                    speak.playback == null ? 0 : speak.playback.framesQueued(), cause.headerValue(), reason);
        }
        send(speak, SynthMessages.speakComplete(channelId, speak.requestId(), cause, reason, lastMark));
        SpeakReports.ended(speak, settings.observer(),
                SpeakReports.of(speak, sessionId(), logTag, engine.name(), ptimeMs, cause));
    }

    private String sessionId() {
        return channelId.substring(0, channelId.indexOf('@'));
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
            executor.schedule(() -> {
                speak.marks.timerFired();
                checkMarks(speak);
            }, frames * ptimeMs, TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------- requests

    private void speak(MrcpRequest request, MrcpConnection replyTo) {
        SessionParameters.Inherited inherited = parameters.inherit(request.headers());
        SpeakAdmission.Admitted admitted;
        try {
            admitted = admission.plan(admission.read(request, inherited), inherited);
        } catch (SpeakContent.Rejection e) {
            log.warn("{} SPEAK {} rejected ({} {}): {}", logTag, request.requestId(), e.status,
                    e.cause.headerValue(), e.getMessage());
            replyTo.send(SynthMessages.response(request,
                    new Respond<>(e.status, RequestState.COMPLETE, null, e.cause, e.getMessage())));
            settings.observer().speakEnded(SpeakReports.refused(sessionId(), logTag, request.requestId(),
                    engine.name(), e.cause));
            return;
        }
        if (admitted.fallbackReason() != null) {
            log.warn("{} SPEAK {}: {}; speaking with the default voice (synth.unknown-voice: default)", logTag,
                    request.requestId(), admitted.fallbackReason());
        }
        Speak speak = new Speak(request, replyTo, admitted.segments(), inherited.killOnBargeIn(),
                inherited.speechMarkers(), new MarkSchedule(engine.sampleRate(), ptimeMs));
        Speak before = machine.active();
        List<Action<Speak>> actions = machine.speak(speak);
        if (actions.get(0) instanceof Respond<Speak> r && r.state() == RequestState.PENDING) {
            log.info("{} SPEAK {} queued behind {}", logTag, request.requestId(), before.requestId());
        } else if (actions.get(0) instanceof Respond<Speak> r && r.status() == MrcpStatus.METHOD_FAILED) {
            log.warn("{} SPEAK {} refused: {} SPEAKs already queued (synth.max-pending-speaks)", logTag,
                    request.requestId(), machine.pendingCount());
        }
        carryOut(actions, request, replyTo);
    }

    private void stop(MrcpRequest request, MrcpConnection replyTo) {
        List<Action<Speak>> actions = machine.stop(
                SynthMessages.parseRequestIdList(request.headers().get(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST)));
        carryOut(actions, request, replyTo);
        List<Long> stopped = listed(actions);
        if (!stopped.isEmpty()) {
            log.info("{} STOP {} stopped {}", logTag, request.requestId(), stopped);
        }
    }

    private void bargeIn(MrcpRequest request, MrcpConnection replyTo) {
        Speak active = machine.active();
        if (active != null && !active.killOnBargeIn()) {
            log.info("{} BARGE-IN-OCCURRED {}: SPEAK {} has Kill-On-Barge-In false, playing on", logTag,
                    request.requestId(), active.requestId());
        }
        List<Action<Speak>> actions = machine.bargeIn();
        if (active != null && active.killOnBargeIn()) {
            log.info("{} BARGE-IN-OCCURRED {} stopped {}", logTag, request.requestId(), listed(actions));
        }
        carryOut(actions, request, replyTo);
    }

    /** The request ids the response among {@code actions} lists. */
    private static List<Long> listed(List<Action<Speak>> actions) {
        for (Action<Speak> action : actions) {
            if (action instanceof Respond<Speak> r && r.requestIds() != null) {
                return r.requestIds();
            }
        }
        return List.of();
    }

    private void setParams(MrcpRequest request, MrcpConnection replyTo) {
        SessionParameters.Refusal refused = parameters.set(request.headers());
        if (refused != null) {
            log.warn("{} SET-PARAMS {} refused {}: {}", logTag, request.requestId(), refused.status(), refused.why());
            replyTo.send(MrcpResponse.to(request, refused.status(), RequestState.COMPLETE));
            return;
        }
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
    }
}
