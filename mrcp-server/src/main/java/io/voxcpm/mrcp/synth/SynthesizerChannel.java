package io.voxcpm.mrcp.synth;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.mrcp.synth.SynthStateMachine.Action;
import io.voxcpm.mrcp.synth.SynthStateMachine.Respond;
import io.voxcpm.request.SegmentPlayer;
import io.voxcpm.rtp.AudioChannel;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The synthesizer resource of one session (RFC 6787 §8): routes each request to the unit that decides it
 * ({@link SynthStateMachine} for the SPEAK queue and its states, {@link SessionParameters} for what the session
 * set and defined, {@link SpeakAdmission}), carries out the actions that come back, and logs what happened.
 *
 * <p>All state lives on one {@link Lane}: requests, engine callbacks and media-clock callbacks run on it one
 * at a time, so a STOP can never race a SPEAK-COMPLETE. A request runs on its MRCP connection's I/O thread
 * when the lane is free, so a SPEAK is answered (IN-PROGRESS or PENDING) before it is planned and never
 * behind another session's work; planning and cache-key hashing run on the shared {@link EventExecutor}
 * afterwards, and the SPEAK starts when its plan is back. A plan that fails ends the SPEAK with
 * SPEAK-COMPLETE. The executor's {@link Ticker} is the channel's only clock, so its timers and its time
 * readings agree, and a test's executor with a mock ticker gives both virtual time. Only a SPEAK's
 * {@link SpeakPlayback} is shared with engine threads.
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
    private final int ptimeMs;
    private final EventExecutor executor;
    private final SessionParameters parameters;
    private final SpeakAdmission admission;
    private final Lane lane;
    private final SynthStateMachine<Speak> machine;
    private final SpeakActions performer;
    /** Told about SPEAKs refused before they were queued (metrics, synthesis detail records). */
    private final SpeakObserver observer;
    /** Set from any thread by {@link #close()}, so requests still queued on the executor see it at once. */
    private volatile boolean closed;

    /**
     * @param channelId the full channel identifier, {@code <session-id>@speechsynth}
     * @param logTag    what every log line of this session starts with: {@code [session call-id]}
     * @param executor  shared by many sessions: the lane's worker, planning, timers; its ticker is the clock
     */
    public SynthesizerChannel(String channelId, String logTag, SpeechEngine engine, AudioChannel audio,
                              TelephonyFormat format, int ptimeMs, SynthSettings settings, SpeakPlanning planning,
                              EventExecutor executor) {
        this(channelId, logTag, null, engine, audio, format, ptimeMs, settings, planning, executor);
    }

    /** @param source the client host (SIP peer) whose share of engine capacity this session's SPEAKs take */
    public SynthesizerChannel(String channelId, String logTag, String source, SpeechEngine engine, AudioChannel audio,
                              TelephonyFormat format, int ptimeMs, SynthSettings settings, SpeakPlanning planning,
                              EventExecutor executor) {
        this.channelId = channelId;
        this.logTag = logTag;
        this.engine = engine;
        this.ptimeMs = ptimeMs;
        this.executor = executor;
        this.observer = settings.observer();
        this.parameters = new SessionParameters(settings.speechMarkers(), engine::availability,
                settings.maxParameters(), settings.maxParameterBytes(), settings.maxLexicons());
        this.admission = new SpeakAdmission(channelId.substring(0, channelId.indexOf('@')), source,
                settings.maxTextChars(), planning, engine, format, ptimeMs);
        this.machine = new SynthStateMachine<>(settings.maxPendingSpeaks());
        // no prefetch: a sentence is generated when the one before it has been (not played); engines faster
        // than real time keep the talkspurt's queue ahead anyway, and one synthesis per SPEAK keeps the load
        // of N sessions at N
        SegmentPlayer player = new SegmentPlayer(engine, planning.prompts(), false, planning.level());
        this.lane = new Lane(executor);
        this.performer = new SpeakActions(channelId, logTag, engine, audio, format, ptimeMs, settings, executor, lane,
                machine, player, planning.frameTier(), planning.cost(), () -> closed);
    }

    public String channelId() {
        return channelId;
    }

    private String sessionId() {
        return channelId.substring(0, channelId.indexOf('@'));
    }

    /** Whether a SPEAK is playing or paused (queued ones wait behind it); any thread, a moment's view. */
    public boolean speaking() {
        return machine.active() != null;
    }

    /** The executor behind this channel's lane, its timers and its planning; the session's timers run there too. */
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public void onRequest(MrcpRequest request, MrcpConnection replyTo) {
        lane.runHere(() -> {
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
     * still queued are answered 405. Close the audio channel after this, on {@link #executor()}.
     */
    public void close() {
        close(speaks -> { });
    }

    /**
     * {@link #close()}, then {@code speaks} is told how the session's SPEAKs ended (the ones this close ends
     * among them), on the lane: e.g. {@code speaks 3: 2 complete, 1 stopped, 0 failed; 412 frames; first audio
     * max 12 ms}, or {@code no SPEAK}. The session's one INFO line carries it; each SPEAK's own lines are DEBUG.
     */
    public void close(Consumer<String> speaks) {
        closed = true;
        lane.execute(() -> {
            performer.carryOut(machine.close(), null, null);
            speaks.accept(performer.tally.summary());
        });
    }

    /** The MRCP connection that carried this channel's requests is gone: nobody can hear the events. */
    @Override
    public void onConnectionClosed(MrcpConnection connection) {
        lane.execute(() -> {
            Speak active = machine.active();
            if (active != null && active.replyTo == connection) {
                log.info("{} MRCP connection lost: stopping SPEAK {}", logTag, active.requestId());
            }
            performer.carryOut(machine.forget(s -> s.replyTo == connection), null, null);
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
            case MrcpMethodNames.PAUSE -> performer.carryOut(machine.pause(), request, replyTo);
            case MrcpMethodNames.RESUME -> performer.carryOut(machine.resume(), request, replyTo);
            case MrcpMethodNames.SET_PARAMS -> setParams(request, replyTo);
            case MrcpMethodNames.GET_PARAMS -> replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS,
                    RequestState.COMPLETE, parameters.get(request.headers())));
            case MrcpMethodNames.CONTROL -> replyTo.send(Control.answer(request, machine.active(), ptimeMs, logTag));
            case MrcpMethodNames.DEFINE_LEXICON -> replyTo.send(machine.state() == SynthStateMachine.State.IDLE
                    ? DefineLexicon.answer(request, parameters, logTag, engine.name())
                    : DefineLexicon.notWhileSpeaking(request, machine.active().requestId(), logTag));
            default -> {
                log.warn("{} {} {}: not a synthesizer method", logTag, request.method(), request.requestId());
                replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_ALLOWED, RequestState.COMPLETE));
            }
        }
    }

    // ---------------------------------------------------------------- requests

    /** Answered at once from what {@link SpeakAdmission#read} finds; planned afterwards, off the lane. */
    private void speak(MrcpRequest request, MrcpConnection replyTo) {
        SessionParameters.Inherited inherited = parameters.inherit(request.headers());
        SpeakAdmission.Reading reading;
        try {
            reading = admission.read(request, inherited);
        } catch (SpeakAdmission.Rejection e) {
            log.warn("{} SPEAK {} rejected ({} {}): {}", logTag, request.requestId(), e.status,
                    e.cause.headerValue(), e.getMessage());
            replyTo.send(SynthMessages.response(request,
                    new Respond<>(e.status, RequestState.COMPLETE, null, e.cause, e.getMessage())));
            observer.speakEnded(Speak.refused(sessionId(), logTag, request.requestId(),
                    engine.name(), e.cause));
            return;
        }
        Speak speak = new Speak(request, replyTo, inherited.killOnBargeIn(), inherited.speechMarkers(),
                new MarkSchedule(engine.sampleRate(), ptimeMs));
        Speak before = machine.active();
        List<Action<Speak>> actions = machine.speak(speak);
        Respond<Speak> answer = (Respond<Speak>) actions.get(0);
        if (answer.state() == RequestState.PENDING) {
            log.debug("{} SPEAK {} queued behind {}", logTag, request.requestId(), before.requestId());
        } else if (answer.status() == MrcpStatus.METHOD_FAILED) {
            log.warn("{} SPEAK {} refused: {} SPEAKs already queued (synth.max-pending-speaks)", logTag,
                    request.requestId(), machine.pendingCount());
        }
        performer.carryOut(actions, request, replyTo);
        if (answer.status() == MrcpStatus.SUCCESS) {
            startPlanning(speak, reading);
        }
    }

    /**
     * After the response: a SPEAK whose plan is known ({@link SpeakPlanning}) and whose frames are stored is
     * started here, on the lane, so a cache hit plays from the next tick with no hand-off and no work on the
     * shared executor; anything else is planned there.
     */
    private void startPlanning(Speak speak, SpeakAdmission.Reading reading) {
        SpeakAdmission.Admitted known = admission.remembered(reading);
        if (known != null) {
            String frameKey = admission.frameKey(known, speak.markers);
            if (admission.framesStored(frameKey)) {
                planned(speak, known, frameKey);
                return;
            }
        }
        executor.execute(() -> plan(speak, reading));
    }

    /** On the shared executor: SSML, voices, prompts and the frame key (or the memo's); then back on the lane. */
    private void plan(Speak speak, SpeakAdmission.Reading reading) {
        if (closed) {
            return;
        }
        try {
            SpeakAdmission.Admitted admitted = admission.plan(reading);
            String frameKey = admission.frameKey(admitted, speak.markers);
            lane.execute(() -> planned(speak, admitted, frameKey));
        } catch (SpeakAdmission.Rejection e) {
            lane.execute(() -> {
                log.warn("{} SPEAK {} failed before any audio ({}): {}", logTag, speak.requestId(),
                        e.cause.headerValue(), e.getMessage());
                performer.carryOut(machine.refused(speak, e.cause, SynthMessages.oneLine(e.getMessage())), null, null);
            });
        }
    }

    private void planned(Speak speak, SpeakAdmission.Admitted admitted, String frameKey) {
        if (admitted.fallbackReason() != null) {
            log.warn("{} SPEAK {}: {}; speaking with the default voice (synth.unknown-voice: default)", logTag,
                    speak.requestId(), admitted.fallbackReason());
        }
        speak.segments = admitted.segments();
        speak.frameKey = frameKey;
        if (speak.startAwaitsPlan && speak == machine.active() && !closed) {
            speak.startAwaitsPlan = false;
            performer.feed(speak);
        }
    }

    private void stop(MrcpRequest request, MrcpConnection replyTo) {
        List<Action<Speak>> actions = machine.stop(
                SynthMessages.parseRequestIdList(request.headers().get(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST)));
        performer.carryOut(actions, request, replyTo);
        List<Long> stopped = listed(actions);
        if (!stopped.isEmpty()) {
            log.debug("{} STOP {} stopped {}", logTag, request.requestId(), stopped);
        }
    }

    private void bargeIn(MrcpRequest request, MrcpConnection replyTo) {
        Speak active = machine.active();
        if (active != null && !active.killOnBargeIn()) {
            log.debug("{} BARGE-IN-OCCURRED {}: SPEAK {} has Kill-On-Barge-In false, playing on", logTag,
                    request.requestId(), active.requestId());
        }
        List<Action<Speak>> actions = machine.bargeIn();
        if (active != null && active.killOnBargeIn()) {
            log.debug("{} BARGE-IN-OCCURRED {} stopped {}", logTag, request.requestId(), listed(actions));
        }
        performer.carryOut(actions, request, replyTo);
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
