package io.voxcpm.mrcp.synth;

import io.netty.util.concurrent.EventExecutor;
import io.voxcpm.audio.TelephonyEncoder;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpEvent;
import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.Segment;
import io.voxcpm.request.SegmentPlayer;
import io.voxcpm.rtp.AudioChannel;
import io.voxcpm.rtp.Talkspurt;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The synthesizer resource of one session (RFC 6787 §8), following UniMRCP's state machine where the RFC
 * leaves room, because that is what FreeSWITCH and Asterisk were written against.
 *
 * <p>All state lives on one {@link EventExecutor}: requests, engine callbacks and media-clock callbacks
 * hop onto it, so a STOP can never race a SPEAK-COMPLETE. The only state shared with engine threads is a
 * SPEAK's audio (encoder, retained frames, talkspurt), guarded by that SPEAK's lock.
 *
 * <p>Completion causes: 000 when the audio has played out; 002/003/005 (and 004 for an engine fault) from
 * the engine's failure reason, sent at once even while audio is still queued; 007 for SPEAKs queued behind
 * one that failed (RFC 6787 §8.4.11: "a prior SPEAK request failed while this one was still in the
 * queue"); 006 on DEFINE-LEXICON and on a SPEAK naming an undefined session lexicon. 001 is never sent:
 * it reports a barge-in the server detected itself (a recognizer in the same session), and a synthesizer
 * told by BARGE-IN-OCCURRED lists the killed requests in the response instead, with no SPEAK-COMPLETE.
 */
public final class SynthesizerChannel implements MrcpResource {

    private static final Logger log = LoggerFactory.getLogger(SynthesizerChannel.class);
    /** The logback pattern prints this MDC entry in front of engine log lines. */
    static final String LOG_TAG_MDC_KEY = "call";
    /** Headers SET-PARAMS never stores: they describe the message, not the session. */
    private static final Set<String> NOT_PARAMETERS = Set.of("channel-identifier", "content-length",
            "content-type", "content-id", "active-request-id-list", "completion-cause", "completion-reason");
    /** UniMRCP closes the connection on a header line of 1 KiB or more; stay well below. */
    static final int MAX_HEADER_LINE_BYTES = 1000;
    private static final long NTP_EPOCH_OFFSET_S = 2_208_988_800L;

    private final String channelId;
    private final String logTag;
    private final SpeechEngine engine;
    private final AudioChannel audio;
    private final TelephonyFormat format;
    private final int ptimeMs;
    private final SynthSettings settings;
    private final EventExecutor executor;
    private final Lexicons lexicons;
    private final SpeakPlanning planning;
    private final SegmentPlayer player;

    private final ArrayDeque<Speak> pending = new ArrayDeque<>();
    private Speak active;
    private MrcpHeaders sessionDefaults = MrcpHeaders.empty();
    /** Set from any thread by {@link #close()}, so requests still queued on the executor see it at once. */
    private volatile boolean closed;

    /**
     * @param channelId the full channel identifier, {@code <session-id>@speechsynth}
     * @param logTag    what every log line of this session starts with: {@code [session call-id]}
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
        this.lexicons = new Lexicons(settings.maxLexicons());
        this.planning = planning;
        // no prefetch: a sentence is generated when the one before it has been (not played); engines faster
        // than real time keep the talkspurt's queue ahead anyway, and one synthesis per SPEAK keeps the load
        // of N sessions at N
        this.player = new SegmentPlayer(engine, planning.prompts(), false);
    }

    public String channelId() {
        return channelId;
    }

    /** The executor all of this channel's state lives on; the session schedules its timers there too. */
    public EventExecutor executor() {
        return executor;
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
        executor.execute(() -> {
            pending.clear();
            stopMatching(null);
        });
    }

    /** The MRCP connection that carried this channel's requests is gone: nobody can hear the events. */
    @Override
    public void onConnectionClosed(MrcpConnection connection) {
        executor.execute(() -> {
            if (active != null && active.replyTo == connection) {
                log.info("{} MRCP connection lost: stopping SPEAK {}", logTag, active.request.requestId());
            }
            pending.removeIf(s -> s.replyTo == connection);
            if (active != null && active.replyTo == connection) {
                stop(active);
                startNext();
            }
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
            case MrcpMethodNames.STOP -> stopRequest(request, replyTo);
            case MrcpMethodNames.BARGE_IN_OCCURRED -> bargeIn(request, replyTo);
            case MrcpMethodNames.PAUSE -> pause(request, replyTo);
            case MrcpMethodNames.RESUME -> resume(request, replyTo);
            case MrcpMethodNames.SET_PARAMS -> setParams(request, replyTo);
            case MrcpMethodNames.GET_PARAMS -> getParams(request, replyTo);
            case MrcpMethodNames.CONTROL -> control(request, replyTo);
            case MrcpMethodNames.DEFINE_LEXICON -> defineLexicon(request, replyTo);
            default -> {
                log.warn("{} {} {}: not a synthesizer method", logTag, request.method(), request.requestId());
                replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_ALLOWED, RequestState.COMPLETE));
            }
        }
    }

    // ---------------------------------------------------------------- SPEAK and its life

    private void speak(MrcpRequest request, MrcpConnection replyTo) {
        List<Segment> segments;
        try {
            SpeakContent.Content content = SpeakContent.read(request, settings.maxTextChars());
            checkLexiconOrder(request.headers());
            segments = plan(request, content);
        } catch (SpeakContent.Rejection e) {
            log.warn("{} SPEAK {} rejected ({} {}): {}", logTag, request.requestId(), e.status,
                    e.cause.headerValue(), e.getMessage());
            replyTo.send(MrcpResponse.to(request, e.status, RequestState.COMPLETE, MrcpHeaders.builder()
                    .add(MrcpHeaderNames.COMPLETION_CAUSE, e.cause.headerValue())
                    .add(MrcpHeaderNames.COMPLETION_REASON, oneLine(e.getMessage()))
                    .build()));
            return;
        }
        Speak speak = new Speak(request, replyTo, segments,
                SpeakParameters.killOnBargeIn(request.headers(), sessionDefaults),
                SpeakParameters.speechMarkers(request.headers(), sessionDefaults, settings.speechMarkers()));
        if (active == null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.IN_PROGRESS));
            start(speak, false);
        } else if (pending.size() >= settings.maxPendingSpeaks()) {
            log.warn("{} SPEAK {} refused: {} SPEAKs already queued (synth.max-pending-speaks)", logTag,
                    request.requestId(), pending.size());
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE,
                    MrcpHeaders.builder()
                            .add(MrcpHeaderNames.COMPLETION_CAUSE, CompletionCause.ERROR.headerValue())
                            .add(MrcpHeaderNames.COMPLETION_REASON, "too many queued SPEAK requests")
                            .build()));
        } else {
            pending.add(speak);
            log.info("{} SPEAK {} queued behind {}", logTag, request.requestId(), active.request.requestId());
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.PENDING));
        }
    }

    /**
     * The SPEAK's segments: its headers over the session's as the outermost voice and prosody, the body as
     * SSML or plain text. Everything that can be known before audio (bad markup, unknown voices, impossible
     * modes, prompts that do not exist) is a {@link SpeakContent.Rejection} here, not a failed SPEAK-COMPLETE.
     */
    private List<Segment> plan(MrcpRequest request, SpeakContent.Content content) throws SpeakContent.Rejection {
        RequestDefaults defaults = SpeakParameters.defaults(request.headers(), sessionDefaults,
                Map.of(SynthesisRequest.SESSION_ID, channelId.substring(0, channelId.indexOf('@'))));
        try {
            SpeakPlanning.Plan plan = planning.plan(content.ssml(), content.text(), defaults);
            if (plan.fallbackReason() != null) {
                log.warn("{} SPEAK {}: {}; speaking with the default voice (synth.unknown-voice: default)", logTag,
                        request.requestId(), plan.fallbackReason());
            }
            String missing = missingPrompt(plan.segments());
            if (missing != null) {
                throw new SynthesisException(SynthesisException.Reason.URI_FAILURE, "no registered prompt named '"
                        + missing + "' and no text inside <audio> to say instead (URLs are never fetched)");
            }
            return plan.segments();
        } catch (SynthesisException e) {
            throw new SpeakContent.Rejection(MrcpStatus.METHOD_FAILED, planningCause(e), planningReason(e));
        }
    }

    /** The first {@code <audio>} that would fail: no such prompt and no fallback content; null when none. */
    private String missingPrompt(List<Segment> segments) throws SynthesisException {
        for (Segment s : segments) {
            if (s instanceof Segment.AudioRef a) {
                if (planning.prompts().find(a.name(), engine.sampleRate()).isEmpty()) {
                    String inner = a.fallback().isEmpty() ? a.name() : missingPrompt(a.fallback());
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return null;
    }

    /** RFC 6787 §8.4.11 has no cause for a bad voice or parameter; 004 with a reason that says what to fix. */
    static CompletionCause planningCause(SynthesisException e) {
        return switch (e.reason()) {
            case PARSE_FAILURE -> CompletionCause.PARSE_FAILURE;
            case URI_FAILURE -> CompletionCause.URI_FAILURE;
            case LANGUAGE_UNSUPPORTED -> CompletionCause.LANGUAGE_UNSUPPORTED;
            default -> CompletionCause.ERROR;
        };
    }

    private static String planningReason(SynthesisException e) {
        return switch (e.reason()) {
            case UNKNOWN_VOICE -> e.getMessage() + ": register it with `voxcpm-mrcp voices add`, or use 'default'";
            case PARSE_FAILURE -> "SSML: " + e.getMessage();
            default -> e.getMessage();
        };
    }

    /** Lexicon-Search-Order may only name this session's lexicons; nothing is ever fetched. */
    private void checkLexiconOrder(MrcpHeaders headers) throws SpeakContent.Rejection {
        String order = headers.get(MrcpHeaderNames.LEXICON_SEARCH_ORDER);
        if (order == null) {
            order = sessionDefaults.get(MrcpHeaderNames.LEXICON_SEARCH_ORDER);
        }
        if (order == null || order.isBlank()) {
            return;
        }
        for (String entry : order.split("[\\s,]+")) {
            String uri = entry.strip();
            if (uri.startsWith("<") && uri.endsWith(">")) {
                uri = uri.substring(1, uri.length() - 1);
            }
            if (uri.isEmpty()) {
                continue;
            }
            if (!uri.regionMatches(true, 0, "session:", 0, 8)) {
                throw new SpeakContent.Rejection(MrcpStatus.METHOD_FAILED, CompletionCause.URI_FAILURE,
                        "lexicon " + HeaderValues.clip(uri) + " is not fetched: only session: lexicons are used");
            }
            if (!lexicons.contains(uri.substring(8))) {
                throw new SpeakContent.Rejection(MrcpStatus.METHOD_FAILED, CompletionCause.LEXICON_LOAD_FAILURE,
                        "no lexicon " + HeaderValues.clip(uri) + " was defined in this session");
            }
        }
    }

    private void start(Speak speak, boolean wasPending) {
        active = speak;
        log.info("{} SPEAK {} started: {}", logTag, speak.request.requestId(), describe(speak.segments));
        speak.startedNanos = System.nanoTime();
        synchronized (speak) {
            speak.position = new PlayoutPosition(TimeUnit.MILLISECONDS.toNanos(ptimeMs), speak.startedNanos);
            speak.talkspurt = audio.begin(listenerFor(speak));
            speak.encoder = new TelephonyEncoder(engine.sampleRate(), format, ptimeMs);
        }
        if (speak.markers && wasPending) {
            // UniMRCP announces a queued SPEAK's start this way; only clients that asked for markers get it
            sendMarker(speak, null);
        }
        // engines log on their own threads; the MDC (copied by the embedded engine) and the session_id
        // parameter (read by the model bridge) put this session's tag on those lines too
        MDC.put(LOG_TAG_MDC_KEY, logTag + " ");
        try {
            speak.synthesisHandle = player.play(speak.segments, new SpeakSink(speak),
                    speak.markers ? (name, offset) -> markReached(speak, name, offset) : SegmentPlayer.MarkListener.NONE);
        } finally {
            MDC.remove(LOG_TAG_MDC_KEY);
        }
    }

    /** For the log: how many segments, characters and which modes. */
    private static String describe(List<Segment> segments) {
        int speech = 0;
        int chars = 0;
        Set<String> modes = new java.util.TreeSet<>();
        Set<String> languages = new java.util.TreeSet<>();
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp) {
                speech++;
                chars += sp.text().length();
                modes.add(sp.mode().value());
                if (sp.language() != null) {
                    languages.add(sp.language());
                }
            }
        }
        return segments.size() + " segments (" + speech + " spoken, " + chars + " chars), mode " + String.join("+", modes)
                + (languages.isEmpty() ? "" : ", language " + String.join("+", languages));
    }

    /**
     * The player passed a {@code <mark>} {@code sampleOffset} samples (engine rate) into the SPEAK. It is
     * reported when the modelled playout position ({@link PlayoutPosition}, accurate to about a ptime) has
     * sent the frame holding that sample, so the event matches what the caller hears, not how far ahead the
     * engine is. Runs on the player's thread.
     */
    private void markReached(Speak speak, String name, long sampleOffset) {
        long frame = sampleOffset * 1000 / ((long) engine.sampleRate() * ptimeMs);
        executor.execute(() -> {
            speak.marks.add(new PendingMark(frame, name));
            checkMarks(speak);
        });
    }

    /** Sends the marks whose frame has been played; a timer comes back for the next one. */
    private void checkMarks(Speak speak) {
        if (speak != active || speak.marks.isEmpty()) {
            return;
        }
        long position;
        synchronized (speak) {
            if (speak.stopped) {
                return;
            }
            position = speak.position.position(System.nanoTime());
        }
        while (!speak.marks.isEmpty() && speak.marks.peek().frame() < position) {
            sendMarker(speak, speak.marks.poll().name());
        }
        if (!speak.marks.isEmpty() && !speak.paused && !speak.markTimer) {
            // RESUME checks again; while paused the position stands still
            speak.markTimer = true;
            long frames = Math.max(1, speak.marks.peek().frame() + 1 - position);
            executor.schedule(() -> {
                speak.markTimer = false;
                checkMarks(speak);
            }, frames * ptimeMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Tied to the talkspurt generation, so a talkspurt replaced by a CONTROL jump cannot complete the SPEAK. */
    private Talkspurt.Listener listenerFor(Speak speak) {
        int generation = speak.generation;
        return () -> executor.execute(() -> playedOut(speak, generation));
    }

    /** Runs on the engine's thread: resample, encode, keep and queue frames on the talkspurt. */
    private final class SpeakSink implements AudioSink {
        private final Speak speak;

        SpeakSink(Speak speak) {
            this.speak = speak;
        }

        @Override
        public void onAudio(short[] samples) {
            synchronized (speak) {
                if (speak.stopped) {
                    return;
                }
                if (speak.firstAudioNanos == 0) {
                    speak.firstAudioNanos = System.nanoTime();
                }
                speak.encoder.write(samples, 0, samples.length, speak::accept);
            }
        }

        @Override
        public void onComplete() {
            synchronized (speak) {
                if (speak.stopped) {
                    return;
                }
                speak.encoder.finish(speak::accept);
                speak.engineDone = true;
                speak.talkspurt.finish();
            }
        }

        @Override
        public void onError(SynthesisException error) {
            synchronized (speak) {
                if (speak.stopped) {
                    return;
                }
                speak.engineDone = true;
            }
            executor.execute(() -> failed(speak, error));
        }
    }

    /** The last packet has left: wait out the client's jitter buffer, then report completion. */
    private void playedOut(Speak speak, int generation) {
        if (speak != active) {
            return;
        }
        executor.schedule(() -> complete(speak, generation), settings.playoutMargin().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void complete(Speak speak, int generation) {
        if (speak != active || closed) {
            return;
        }
        synchronized (speak) {
            if (speak.stopped || speak.generation != generation) {
                return; // a CONTROL jump replaced the talkspurt after this one played out
            }
            speak.stopped = true;
            speak.frames.clear();
        }
        // marks the playout model has not reached yet (at the very end of the audio) go before completion
        while (!speak.marks.isEmpty()) {
            sendMarker(speak, speak.marks.poll().name());
        }
        String lastMark = speak.lastMark;
        MrcpHeaders.Builder headers = MrcpHeaders.builder()
                .add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId)
                .add(MrcpHeaderNames.COMPLETION_CAUSE, CompletionCause.NORMAL.headerValue());
        if (lastMark != null) {
            headers.add(MrcpHeaderNames.SPEECH_MARKER, speechMarker(lastMark));
        }
        log.info("{} SPEAK {} complete: {} frames, first audio after {} ms", logTag, speak.request.requestId(),
                speak.encoder.framesOut(), speak.firstAudioNanos == 0 ? -1
                        : TimeUnit.NANOSECONDS.toMillis(speak.firstAudioNanos - speak.startedNanos));
        speak.replyTo.send(new MrcpEvent(MrcpMethodNames.SPEAK_COMPLETE, speak.request.requestId(),
                RequestState.COMPLETE, headers.build()));
        active = null;
        startNext();
    }

    /**
     * The engine gave up: the SPEAK ends now, with the audio still queued dropped, because a client waiting
     * for the rest of a prompt that will never come is worse off than one told at once. SPEAKs queued behind
     * it are cancelled (007): they were meant to follow this one.
     */
    private void failed(Speak speak, SynthesisException error) {
        if (speak != active || closed) {
            return;
        }
        stop(speak);
        CompletionCause cause = causeOf(error);
        log.warn("{} SPEAK {} failed after {} frames: {} ({})", logTag, speak.request.requestId(),
                speak.encoder.framesOut(), cause.headerValue(), oneLine(error.getMessage()));
        speak.replyTo.send(completion(speak, cause, oneLine(error.getMessage())));
        List<Speak> cancelled = new ArrayList<>(pending);
        pending.clear();
        for (Speak next : cancelled) {
            log.info("{} SPEAK {} cancelled: SPEAK {} before it failed", logTag, next.request.requestId(),
                    speak.request.requestId());
            next.replyTo.send(completion(next, CompletionCause.CANCELLED,
                    "SPEAK " + speak.request.requestId() + " queued before it failed"));
        }
    }

    private MrcpEvent completion(Speak speak, CompletionCause cause, String reason) {
        return new MrcpEvent(MrcpMethodNames.SPEAK_COMPLETE, speak.request.requestId(), RequestState.COMPLETE,
                MrcpHeaders.builder()
                        .add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId)
                        .add(MrcpHeaderNames.COMPLETION_CAUSE, cause.headerValue())
                        .add(MrcpHeaderNames.COMPLETION_REASON, reason)
                        .build());
    }

    private void startNext() {
        Speak next = pending.poll();
        if (next != null && !closed) {
            // UniMRCP announces this with SPEECH-MARKER IN-PROGRESS, which FreeSWITCH and Asterisk treat as
            // an error; the PENDING response already told the client it will start.
            start(next, true);
        }
    }

    private void sendMarker(Speak speak, String mark) {
        if (mark != null) {
            speak.lastMark = mark;
        }
        speak.replyTo.send(new MrcpEvent(MrcpMethodNames.SPEECH_MARKER, speak.request.requestId(),
                RequestState.IN_PROGRESS, MrcpHeaders.builder()
                .add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId)
                .add(MrcpHeaderNames.SPEECH_MARKER, speechMarker(mark))
                .build()));
    }

    /** {@code timestamp=<NTP 64-bit>[;<mark>]} (RFC 6787 §8.4.10). */
    static String speechMarker(String mark) {
        Instant now = Instant.now();
        long seconds = now.getEpochSecond() + NTP_EPOCH_OFFSET_S;
        long fraction = ((long) now.getNano() << 32) / 1_000_000_000L;
        String ntp = Long.toUnsignedString((seconds << 32) | fraction);
        String value = mark == null ? "timestamp=" + ntp : "timestamp=" + ntp + ";" + mark;
        return value.length() > 200 ? value.substring(0, 200) : value;
    }

    // ---------------------------------------------------------------- STOP, BARGE-IN, PAUSE, RESUME

    private void stopRequest(MrcpRequest request, MrcpConnection replyTo) {
        Set<Long> only = requestIdList(request.headers().get(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST));
        List<Long> stopped = stopMatching(only);
        replyTo.send(withRequestIds(request, stopped));
        if (!stopped.isEmpty()) {
            log.info("{} STOP {} stopped {}", logTag, request.requestId(), stopped);
        }
    }

    /**
     * RFC 6787 §8.10: with Kill-On-Barge-In the active SPEAK and every one queued behind it stop, listed in
     * the response, without SPEAK-COMPLETE; without it the barge-in has no effect (200, no list).
     */
    private void bargeIn(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null || !active.killOnBargeIn) {
            if (active != null) {
                log.info("{} BARGE-IN-OCCURRED {}: SPEAK {} has Kill-On-Barge-In false, playing on", logTag,
                        request.requestId(), active.request.requestId());
            }
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
            return;
        }
        List<Long> stopped = stopMatching(null);
        log.info("{} BARGE-IN-OCCURRED {} stopped {}", logTag, request.requestId(), stopped);
        replyTo.send(withRequestIds(request, stopped));
    }

    /** Stops the active SPEAK and queued ones whose ids are in {@code only} (all when null). */
    private List<Long> stopMatching(Set<Long> only) {
        List<Long> stopped = new ArrayList<>();
        boolean activeStopped = false;
        if (active != null && (only == null || only.contains(active.request.requestId()))) {
            stopped.add(active.request.requestId());
            stop(active);
            activeStopped = true;
        }
        for (Iterator<Speak> it = pending.iterator(); it.hasNext(); ) {
            Speak s = it.next();
            if (only == null || only.contains(s.request.requestId())) {
                stopped.add(s.request.requestId());
                it.remove();
            }
        }
        if (activeStopped) {
            startNext();
        }
        return stopped;
    }

    private void stop(Speak speak) {
        synchronized (speak) {
            speak.stopped = true;
            speak.frames.clear();
            if (speak.talkspurt != null) {
                speak.talkspurt.abort();
            }
        }
        if (speak.synthesisHandle != null) {
            speak.synthesisHandle.cancel();
        }
        if (active == speak) {
            active = null;
        }
    }

    private void pause(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
            return;
        }
        if (!active.paused) {
            active.paused = true;
            synchronized (active) {
                active.talkspurt.pause();
                active.position.pause(System.nanoTime());
            }
        }
        replyTo.send(withRequestIds(request, List.of(active.request.requestId())));
    }

    private void resume(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
            return;
        }
        if (active.paused) {
            active.paused = false;
            synchronized (active) {
                active.talkspurt.resume();
                active.position.resume(System.nanoTime());
            }
            checkMarks(active);
        }
        replyTo.send(withRequestIds(request, List.of(active.request.requestId())));
    }

    // ---------------------------------------------------------------- CONTROL

    /**
     * Jump-Size in seconds moves the playback within the audio already encoded (kept for that purpose);
     * a backward jump past the start restarts the SPEAK and the response says {@code Speak-Restart: true}
     * (RFC 6787 §8.4.13). {@code Speak-Restart: true} in the request restarts too. Word, sentence,
     * paragraph and mark jumps need word timings no engine reports (409); prosody, voice and Speak-Length
     * changes cannot alter audio already made (403).
     */
    private void control(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null) {
            // UniMRCP answers an idle CONTROL with 200 and no list; clients rely on it
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
            return;
        }
        MrcpHeaders h = request.headers();
        for (String unsupported : List.of(MrcpHeaderNames.SPEAK_LENGTH, MrcpHeaderNames.PROSODY_RATE,
                MrcpHeaderNames.PROSODY_VOLUME, MrcpHeaderNames.VOICE_NAME, MrcpHeaderNames.VOICE_GENDER,
                MrcpHeaderNames.VOICE_AGE, MrcpHeaderNames.VOICE_VARIANT, MrcpHeaderNames.SPEECH_LANGUAGE)) {
            if (h.contains(unsupported)) {
                log.warn("{} CONTROL {} refused 403: {} cannot change audio that is already synthesized", logTag,
                        request.requestId(), unsupported);
                replyTo.send(MrcpResponse.to(request, MrcpStatus.UNSUPPORTED_HEADER, RequestState.COMPLETE));
                return;
            }
        }
        Speak speak = active;
        long framesPerSecond = 1000 / ptimeMs;
        long now = System.nanoTime();
        long target;
        boolean restart = "true".equalsIgnoreCase(strip(h.get(MrcpHeaderNames.SPEAK_RESTART)));
        if (restart) {
            target = 0;
        } else if (h.contains(MrcpHeaderNames.JUMP_SIZE)) {
            HeaderValues.SpeechLength jump;
            try {
                jump = HeaderValues.speechLength(MrcpHeaderNames.JUMP_SIZE, h.get(MrcpHeaderNames.JUMP_SIZE));
            } catch (HeaderValues.IllegalValue e) {
                throw new IllegalStateException(e); // checked before dispatch
            }
            if (jump.unit() != HeaderValues.SpeechLength.Unit.SECOND) {
                log.warn("{} CONTROL {} refused 409: Jump-Size '{}' needs word/mark timings the engine does not "
                        + "report; only Second units are supported", logTag, request.requestId(),
                        h.get(MrcpHeaderNames.JUMP_SIZE));
                replyTo.send(MrcpResponse.to(request, MrcpStatus.UNSUPPORTED_HEADER_VALUE, RequestState.COMPLETE));
                return;
            }
            long position;
            synchronized (speak) {
                position = speak.position.position(now);
            }
            target = position + jump.amount() * framesPerSecond;
            if (target < 0) {
                target = 0;
                restart = true;
            }
        } else {
            replyTo.send(withRequestIds(request, List.of(speak.request.requestId())));
            return;
        }
        synchronized (speak) {
            if (target < speak.firstRetained) {
                log.warn("{} CONTROL {} refused 407: frames before {} s are no longer kept (synth retention limit)",
                        logTag, request.requestId(), speak.firstRetained / framesPerSecond);
                replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE));
                return;
            }
            jumpTo(speak, target, now);
        }
        log.info("{} CONTROL {}: SPEAK {} {} at {} ms", logTag, request.requestId(), speak.request.requestId(),
                restart ? "restarted" : "jumped", target * ptimeMs);
        MrcpHeaders.Builder extra = MrcpHeaders.builder()
                .add(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST, Long.toString(speak.request.requestId()));
        if (restart) {
            extra.add(MrcpHeaderNames.SPEAK_RESTART, "true");
        }
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE, extra.build()));
    }

    /** Replaces the talkspurt by one that plays the SPEAK from frame {@code target}. Holds the SPEAK's lock. */
    private void jumpTo(Speak speak, long target, long now) {
        speak.talkspurt.abort();
        speak.generation++;
        speak.talkspurt = audio.begin(listenerFor(speak));
        if (speak.paused) {
            speak.talkspurt.pause();
        }
        speak.skipUntil = target;
        speak.position.restartAt(target, now);
        long written = 0;
        for (long i = Math.max(target, speak.firstRetained); i < speak.framesTotal; i++) {
            speak.talkspurt.write(speak.frames.get((int) (i - speak.firstRetained)));
            written++;
        }
        speak.position.queued(written, now);
        if (speak.engineDone) {
            speak.talkspurt.finish();
        }
    }

    // ---------------------------------------------------------------- parameters and lexicons

    private void setParams(MrcpRequest request, MrcpConnection replyTo) {
        MrcpHeaders.Builder merged = sessionDefaults.toBuilder();
        for (MrcpHeader h : request.headers().entries()) {
            if (NOT_PARAMETERS.contains(h.name().toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            if (!HeaderValues.fitsOneLine(h.name(), h.value())) {
                log.warn("{} SET-PARAMS {} refused 404: {} value of {} chars is too long to ever echo", logTag,
                        request.requestId(), h.name(), h.value().length());
                replyTo.send(MrcpResponse.to(request, MrcpStatus.ILLEGAL_HEADER_VALUE, RequestState.COMPLETE));
                return;
            }
            if (h.name().equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
                merged.set(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, mergeVendor(h.value()));
            } else {
                merged.set(h.name(), h.value().strip());
            }
        }
        sessionDefaults = merged.build();
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
    }

    /** A new Vendor-Specific-Parameters adds to the session's, name by name, as separate SET-PARAMS do. */
    private String mergeVendor(String value) {
        Map<String, String> merged = HeaderValues.vendorParameters(sessionDefaults);
        merged.putAll(HeaderValues.vendorParameters(MrcpHeaders.builder()
                .add(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, value).build()));
        StringBuilder s = new StringBuilder();
        merged.forEach((k, v) -> s.append(s.length() == 0 ? "" : ";").append(k).append('=').append(v));
        String joined = s.toString();
        return HeaderValues.fitsOneLine(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, joined) ? joined : value.strip();
    }

    /**
     * The asked-for headers with their session values, or the server's default where the session set none
     * (RFC 6787 §8.12); with nothing asked, every session value.
     */
    private void getParams(MrcpRequest request, MrcpConnection replyTo) {
        MrcpHeaders.Builder values = MrcpHeaders.builder();
        boolean askedForSome = false;
        for (MrcpHeader h : request.headers().entries()) {
            if (h.name().equalsIgnoreCase(MrcpHeaderNames.CHANNEL_IDENTIFIER)) {
                continue;
            }
            askedForSome = true;
            String value = sessionDefaults.get(h.name());
            if (value == null) {
                value = serverDefault(h.name());
            }
            if (EngineStatus.isVendorParameters(h.name())) {
                value = EngineStatus.appendTo(value, engine.availability()); // read-only: see EngineStatus
            }
            if (value != null) {
                values.add(h.name(), value);
            }
        }
        if (!askedForSome) {
            values.addAll(sessionDefaults);
        }
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE, values.build()));
    }

    private String serverDefault(String name) {
        if (name.equalsIgnoreCase(MrcpHeaderNames.KILL_ON_BARGE_IN)) {
            return "true";
        }
        if (name.equalsIgnoreCase(MrcpHeaderNames.PROSODY_RATE) || name.equalsIgnoreCase(MrcpHeaderNames.PROSODY_VOLUME)) {
            return "default";
        }
        if (name.equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
            return SpeakParameters.SPEECH_MARKERS_PARAMETER + "=" + settings.speechMarkers();
        }
        return null;
    }

    /**
     * RFC 6787 §8.14: only while idle (402 otherwise); a lexicon that cannot be defined gets 407 with
     * Completion-Cause 006. {@code Load-Lexicon: false} unloads the Content-Id.
     */
    private void defineLexicon(MrcpRequest request, MrcpConnection replyTo) {
        if (active != null) {
            log.info("{} DEFINE-LEXICON {} refused 402: SPEAK {} is playing", logTag, request.requestId(),
                    active.request.requestId());
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
            return;
        }
        MrcpHeaders h = request.headers();
        String contentId = strip(h.get(MrcpHeaderNames.CONTENT_ID));
        if (contentId != null && contentId.startsWith("<") && contentId.endsWith(">")) {
            contentId = contentId.substring(1, contentId.length() - 1);
        }
        if (contentId == null || contentId.isEmpty()) {
            log.warn("{} DEFINE-LEXICON {} refused 406: no Content-Id to name the lexicon by", logTag,
                    request.requestId());
            replyTo.send(MrcpResponse.to(request, MrcpStatus.MANDATORY_HEADER_MISSING, RequestState.COMPLETE));
            return;
        }
        if ("false".equalsIgnoreCase(strip(h.get(MrcpHeaderNames.LOAD_LEXICON)))) {
            boolean had = lexicons.unload(contentId);
            log.info("{} DEFINE-LEXICON {}: lexicon {} {}", logTag, request.requestId(), contentId,
                    had ? "unloaded" : "was not loaded");
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
            return;
        }
        try {
            lexicons.define(contentId, h.get(MrcpHeaderNames.CONTENT_TYPE), request.bodyText());
        } catch (Lexicons.LoadFailure e) {
            log.warn("{} DEFINE-LEXICON {} failed (407 006): {}", logTag, request.requestId(), e.getMessage());
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE,
                    MrcpHeaders.builder()
                            .add(MrcpHeaderNames.COMPLETION_CAUSE, CompletionCause.LEXICON_LOAD_FAILURE.headerValue())
                            .add(MrcpHeaderNames.COMPLETION_REASON, oneLine(e.getMessage()))
                            .build()));
            return;
        }
        log.info("{} DEFINE-LEXICON {}: lexicon {} stored ({} in the session); the {} engine does not apply "
                + "pronunciation lexicons", logTag, request.requestId(), contentId, lexicons.size(), engine.name());
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A response listing request ids, the list capped to one safe header line. The pending-SPEAK limit keeps
     * real lists far below the cap; the cap only guards the client's 1 KiB line buffer.
     */
    private MrcpResponse withRequestIds(MrcpRequest request, List<Long> ids) {
        MrcpHeaders.Builder extra = MrcpHeaders.builder();
        if (!ids.isEmpty()) {
            StringBuilder list = new StringBuilder();
            int listed = 0;
            for (Long id : ids) {
                String next = (list.length() == 0 ? "" : ",") + id;
                if (MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST.length() + 2 + list.length() + next.length()
                        > MAX_HEADER_LINE_BYTES) {
                    log.warn("{} {} {}: Active-Request-Id-List capped at {} of {} ids", logTag, request.method(),
                            request.requestId(), listed, ids.size());
                    break;
                }
                list.append(next);
                listed++;
            }
            extra.add(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST, list.toString());
        }
        return MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE, extra.build());
    }

    /** Null for an absent or empty list, meaning "every request". Unreadable entries are skipped. */
    static Set<Long> requestIdList(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Set<Long> ids = new HashSet<>();
        for (String part : header.split(",")) {
            try {
                ids.add(Long.parseLong(part.strip()));
            } catch (NumberFormatException ignored) {
                // a client's typo must not turn a targeted STOP into "stop everything"
            }
        }
        return ids;
    }

    static CompletionCause causeOf(SynthesisException e) {
        return switch (e.reason()) {
            case PARSE_FAILURE -> CompletionCause.PARSE_FAILURE;
            case URI_FAILURE, UNKNOWN_VOICE -> CompletionCause.URI_FAILURE;
            case LANGUAGE_UNSUPPORTED -> CompletionCause.LANGUAGE_UNSUPPORTED;
            case INVALID_REQUEST, OVERLOADED, ENGINE_FAILURE -> CompletionCause.ERROR;
        };
    }

    /** Completion-Reason is one header line: UniMRCP's 1 KB receive buffer must never see a longer one. */
    static String oneLine(String s) {
        String flat = s == null || s.isBlank() ? "error" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) : flat;
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    /** A {@code <mark>} waiting for the playout to reach frame {@code frame} of its SPEAK. */
    private record PendingMark(long frame, String name) { }

    /** One SPEAK request and everything its playback holds. */
    private final class Speak {
        final MrcpRequest request;
        final MrcpConnection replyTo;
        final List<Segment> segments;
        final boolean killOnBargeIn;
        final boolean markers;
        // executor-confined
        Synthesis synthesisHandle;
        long startedNanos;
        /** Marks passed by the player and not yet played out, in order. */
        final ArrayDeque<PendingMark> marks = new ArrayDeque<>();
        boolean markTimer;
        String lastMark;
        // guarded by this: shared with the engine thread
        boolean paused;
        Talkspurt talkspurt;
        /** Counts the talkspurts of this SPEAK; a CONTROL jump starts a new one. */
        int generation;
        TelephonyEncoder encoder;
        PlayoutPosition position;
        final List<byte[]> frames = new ArrayList<>();
        /** Index of frames.get(0) in the SPEAK: frames before it were let go (retention limit). */
        long firstRetained;
        long framesTotal;
        /** Frames before this index are kept but not queued (a forward jump past what exists yet). */
        long skipUntil;
        boolean engineDone;
        boolean stopped;
        long firstAudioNanos;

        Speak(MrcpRequest request, MrcpConnection replyTo, List<Segment> segments, boolean killOnBargeIn,
              boolean markers) {
            this.request = request;
            this.replyTo = replyTo;
            this.segments = segments;
            this.killOnBargeIn = killOnBargeIn;
            this.markers = markers;
        }

        /** One encoded frame from the engine thread (lock held): keep it, and queue it unless skipped. */
        void accept(byte[] frame) {
            long index = framesTotal++;
            frames.add(frame);
            if (frames.size() > settings.maxRetainedFrames()) {
                // let the older half go at once: amortised O(1) per frame on a very long SPEAK
                int drop = frames.size() / 2;
                frames.subList(0, drop).clear();
                firstRetained += drop;
            }
            if (index >= skipUntil) {
                talkspurt.write(frame);
                position.queued(1, System.nanoTime());
            }
        }
    }
}
