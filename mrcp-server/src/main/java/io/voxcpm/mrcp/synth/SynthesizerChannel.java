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
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.rtp.AudioChannel;
import io.voxcpm.rtp.Talkspurt;
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
 * hop onto it, so the channel needs no locks and a STOP can never race a SPEAK-COMPLETE.
 */
public final class SynthesizerChannel implements MrcpResource {

    private static final Logger log = LoggerFactory.getLogger(SynthesizerChannel.class);
    /** The logback pattern prints this MDC entry in front of engine log lines. */
    static final String LOG_TAG_MDC_KEY = "call";
    /** The request parameter the model bridge tags its log lines and worker requests with. */
    static final String SESSION_ID_PARAMETER = "session_id";

    private final String channelId;
    private final String logTag;
    private final SpeechEngine engine;
    private final AudioChannel audio;
    private final TelephonyFormat format;
    private final int ptimeMs;
    private final SynthSettings settings;
    private final EventExecutor executor;

    private final ArrayDeque<Speak> pending = new ArrayDeque<>();
    private Speak active;
    private MrcpHeaders sessionDefaults = MrcpHeaders.empty();
    private boolean closed;

    /**
     * @param channelId the full channel identifier, {@code <session-id>@speechsynth}
     * @param logTag    what every log line of this session starts with: {@code [session call-id]}
     */
    public SynthesizerChannel(String channelId, String logTag, SpeechEngine engine, AudioChannel audio,
                              TelephonyFormat format, int ptimeMs, SynthSettings settings, EventExecutor executor) {
        this.channelId = channelId;
        this.logTag = logTag;
        this.engine = engine;
        this.audio = audio;
        this.format = format;
        this.ptimeMs = ptimeMs;
        this.settings = settings;
        this.executor = executor;
    }

    public String channelId() {
        return channelId;
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

    /** The session is over (BYE, teardown): stop everything without telling the client. Thread-safe. */
    public void close() {
        executor.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            stopMatching(null);
            pending.clear();
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

    private void speak(MrcpRequest request, MrcpConnection replyTo) {
        String text;
        try {
            text = SpeakContent.text(request, settings.maxTextChars());
        } catch (SpeakContent.Rejection e) {
            log.warn("{} SPEAK {} rejected ({}): {}", logTag, request.requestId(), e.status, e.getMessage());
            replyTo.send(MrcpResponse.to(request, e.status, RequestState.COMPLETE, MrcpHeaders.builder()
                    .add(MrcpHeaderNames.COMPLETION_CAUSE, e.cause.headerValue())
                    .add(MrcpHeaderNames.COMPLETION_REASON, e.getMessage())
                    .build()));
            return;
        }
        SynthesisRequest synthesis = SpeakParameters.request(text, request.headers(), sessionDefaults,
                Map.of(SESSION_ID_PARAMETER, channelId.substring(0, channelId.indexOf('@'))));
        Speak speak = new Speak(request, replyTo, synthesis,
                SpeakParameters.killOnBargeIn(request.headers(), sessionDefaults));
        if (active == null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.IN_PROGRESS));
            start(speak);
        } else if (pending.size() >= settings.maxPendingSpeaks()) {
            log.warn("{} SPEAK {} refused: {} SPEAKs already queued", logTag, request.requestId(), pending.size());
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

    private void start(Speak speak) {
        active = speak;
        SynthesisRequest r = speak.synthesis;
        log.info("{} SPEAK {} started: {} chars, voice={}, language={}", logTag, speak.request.requestId(),
                r.text().length(), r.voice().name(), r.language());
        speak.startedNanos = System.nanoTime();
        speak.talkspurt = audio.begin(() -> executor.execute(() -> playedOut(speak)));
        speak.encoder = new TelephonyEncoder(engine.sampleRate(), format, ptimeMs);
        // engines log on their own threads; the MDC (copied by the embedded engine) and the session_id
        // parameter (read by the model bridge) put this session's tag on those lines too
        MDC.put(LOG_TAG_MDC_KEY, logTag + " ");
        try {
            speak.synthesisHandle = engine.synthesize(r, new SpeakSink(speak));
        } finally {
            MDC.remove(LOG_TAG_MDC_KEY);
        }
    }

    /** Runs on the engine's thread: resample, encode and queue frames on the talkspurt. */
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
                speak.encoder.write(samples, 0, samples.length, speak.talkspurt::write);
            }
        }

        @Override
        public void onComplete() {
            synchronized (speak) {
                if (speak.stopped) {
                    return;
                }
                speak.encoder.finish(speak.talkspurt::write);
                speak.talkspurt.finish();
            }
        }

        @Override
        public void onError(SynthesisException error) {
            synchronized (speak) {
                if (speak.stopped) {
                    return;
                }
                speak.failure = error;
                speak.encoder.finish(speak.talkspurt::write);
                speak.talkspurt.finish();
            }
        }
    }

    /** The last packet has left: wait out the client's jitter buffer, then report completion. */
    private void playedOut(Speak speak) {
        if (speak != active) {
            return;
        }
        executor.schedule(() -> complete(speak), settings.playoutMargin().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void complete(Speak speak) {
        if (speak != active || closed) {
            return;
        }
        SynthesisException failure;
        synchronized (speak) {
            failure = speak.failure;
            speak.stopped = true;
        }
        CompletionCause cause = failure == null ? CompletionCause.NORMAL : causeOf(failure);
        MrcpHeaders.Builder headers = MrcpHeaders.builder()
                .add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId)
                .add(MrcpHeaderNames.COMPLETION_CAUSE, cause.headerValue());
        if (failure != null) {
            headers.add(MrcpHeaderNames.COMPLETION_REASON, oneLine(failure.getMessage()));
            log.warn("{} SPEAK {} failed: {} ({})", logTag, speak.request.requestId(), cause.headerValue(),
                    failure.getMessage());
        } else {
            log.info("{} SPEAK {} complete: {} frames, first audio after {} ms", logTag, speak.request.requestId(),
                    speak.encoder.framesOut(), speak.firstAudioNanos == 0 ? -1
                            : TimeUnit.NANOSECONDS.toMillis(speak.firstAudioNanos - speak.startedNanos));
        }
        speak.replyTo.send(new MrcpEvent(MrcpMethodNames.SPEAK_COMPLETE, speak.request.requestId(),
                RequestState.COMPLETE, headers.build()));
        active = null;
        startNext();
    }

    private void startNext() {
        Speak next = pending.poll();
        if (next != null && !closed) {
            // UniMRCP announces this with SPEECH-MARKER IN-PROGRESS, which FreeSWITCH and Asterisk treat as
            // an error; the PENDING response already told the client it will start.
            start(next);
        }
    }

    private void stopRequest(MrcpRequest request, MrcpConnection replyTo) {
        Set<Long> only = requestIdList(request.headers().get(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST));
        List<Long> stopped = stopMatching(only);
        replyTo.send(withStoppedIds(request, stopped));
        if (!stopped.isEmpty()) {
            log.info("{} STOP {} stopped {}", logTag, request.requestId(), stopped);
        }
    }

    private void bargeIn(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null || !active.killOnBargeIn) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
            return;
        }
        List<Long> stopped = stopMatching(null);
        log.info("{} BARGE-IN-OCCURRED {} stopped {}", logTag, request.requestId(), stopped);
        replyTo.send(withStoppedIds(request, stopped));
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
        }
        if (speak.synthesisHandle != null) {
            speak.synthesisHandle.cancel();
        }
        if (speak.talkspurt != null) {
            speak.talkspurt.abort();
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
            active.talkspurt.pause();
        }
        replyTo.send(withStoppedIds(request, List.of(active.request.requestId())));
    }

    private void resume(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
            return;
        }
        if (active.paused) {
            active.paused = false;
            active.talkspurt.resume();
        }
        replyTo.send(withStoppedIds(request, List.of(active.request.requestId())));
    }

    private void setParams(MrcpRequest request, MrcpConnection replyTo) {
        MrcpHeaders.Builder merged = sessionDefaults.toBuilder();
        request.headers().entries().forEach(h -> {
            if (!h.name().equalsIgnoreCase(MrcpHeaderNames.CHANNEL_IDENTIFIER)
                    && !h.name().equalsIgnoreCase(MrcpHeaderNames.CONTENT_LENGTH)) {
                merged.set(h.name(), h.value());
            }
        });
        sessionDefaults = merged.build();
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
    }

    private void getParams(MrcpRequest request, MrcpConnection replyTo) {
        MrcpHeaders.Builder values = MrcpHeaders.builder();
        boolean askedForSome = false;
        for (var h : request.headers().entries()) {
            if (h.name().equalsIgnoreCase(MrcpHeaderNames.CHANNEL_IDENTIFIER)) {
                continue;
            }
            askedForSome = true;
            String value = sessionDefaults.get(h.name());
            if (value != null) {
                values.add(h.name(), value);
            }
        }
        if (!askedForSome) {
            values.addAll(sessionDefaults);
        }
        replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE, values.build()));
    }

    private void control(MrcpRequest request, MrcpConnection replyTo) {
        if (active == null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE));
            return;
        }
        log.warn("{} CONTROL {} refused: jumping and restarting are not supported yet", logTag, request.requestId());
        replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE));
    }

    private void defineLexicon(MrcpRequest request, MrcpConnection replyTo) {
        if (active != null) {
            replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
            return;
        }
        log.warn("{} DEFINE-LEXICON {} refused: lexicons are not supported yet", logTag, request.requestId());
        replyTo.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE));
    }

    private static MrcpResponse withStoppedIds(MrcpRequest request, List<Long> ids) {
        MrcpHeaders.Builder extra = MrcpHeaders.builder();
        if (!ids.isEmpty()) {
            StringBuilder list = new StringBuilder();
            for (Long id : ids) {
                list.append(list.length() == 0 ? "" : ",").append(id);
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
    private static String oneLine(String s) {
        String flat = s == null ? "error" : s.replaceAll("[\\r\\n]+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) : flat;
    }

    /** One SPEAK request and everything its playback holds. */
    private static final class Speak {
        final MrcpRequest request;
        final MrcpConnection replyTo;
        final SynthesisRequest synthesis;
        final boolean killOnBargeIn;
        Talkspurt talkspurt;
        TelephonyEncoder encoder;
        Synthesis synthesisHandle;
        boolean paused;
        // guarded by this: written by the engine thread, read on the executor
        boolean stopped;
        SynthesisException failure;
        long startedNanos;
        long firstAudioNanos;

        Speak(MrcpRequest request, MrcpConnection replyTo, SynthesisRequest synthesis, boolean killOnBargeIn) {
            this.request = request;
            this.replyTo = replyTo;
            this.synthesis = synthesis;
            this.killOnBargeIn = killOnBargeIn;
        }
    }
}
