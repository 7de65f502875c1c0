package io.voxcpm.ops;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.mrcp.synth.SpeakObserver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Synthesis detail records: one JSON line per SPEAK (like a CDR for speech) in a file of their own, rotated
 * daily and at {@code records.max-file-mb}, gzipped, kept {@code records.max-history} days. The prompt text
 * is written only with {@code records.include-text: true}: it may carry what callers said or typed.
 *
 * <p>Lines are queued and written by a background thread; a full queue (8192 lines waiting on a stalled
 * disk) drops lines rather than stalling a call.
 */
public final class SynthesisRecords implements SpeakObserver, SynthesisObserver, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sessions whose synthesis ended and whose SPEAK has not: bounded against SPEAKs that never report. */
    private static final int MAX_PENDING = 10_000;

    private final boolean includeText;
    private final Logger out;
    private final AsyncAppender async;
    private final Map<String, EngineUse> lastUse = new ConcurrentHashMap<>();

    /** What served a SPEAK's syntheses so far: engines and endpoints in order, each once. */
    private record EngineUse(String engine, String endpoint, boolean cacheHit) {
        EngineUse then(EngineUse next) {
            return new EngineUse(join(engine, next.engine), join(endpoint, next.endpoint), cacheHit && next.cacheHit);
        }

        private static String join(String so, String next) {
            return java.util.Arrays.asList(so.split("\\+")).contains(next) ? so : so + "+" + next;
        }
    }

    private SynthesisRecords(boolean includeText, Logger out, AsyncAppender async) {
        this.includeText = includeText;
        this.out = out;
        this.async = async;
    }

    /** Records to {@code config.file()}; null when records are off. */
    public static SynthesisRecords open(RecordsConfig config) {
        if (!config.enabled()) {
            return null;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setName("synthesis-records");
        file.setFile(config.file());
        file.setEncoder(encoder);
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(file);
        policy.setFileNamePattern(config.file() + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(FileSize.valueOf(config.maxFileMb() + "MB"));
        policy.setMaxHistory(config.maxHistory());
        policy.start();
        file.setRollingPolicy(policy);
        file.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("synthesis-records-async");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(file);
        async.start();
        Logger logger = context.getLogger("io.voxcpm.synthesis-records");
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.detachAndStopAllAppenders();
        logger.addAppender(async);
        return new SynthesisRecords(config.includeText(), logger, async);
    }

    @Override
    public void ended(String engine, String endpoint, SynthesisRequest request, boolean fromCache, Outcome outcome,
                      long firstChunkNanos, long elapsedNanos, double audioSeconds, SynthesisException failure) {
        String session = request.context().sessionTag();
        if (session == null) {
            return;
        }
        if (lastUse.size() >= MAX_PENDING) {
            lastUse.clear();
        }
        // a SPEAK of several segments is a hit only if every one of them was
        lastUse.merge(session, new EngineUse(engine, endpoint, fromCache), EngineUse::then);
    }

    @Override
    public void speakEnded(SpeakReport r) {
        EngineUse use = lastUse.remove(r.sessionId());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("session", r.sessionId());
        line.put("call_id", r.callId());
        line.put("request_id", r.requestId());
        line.put("voice", r.voices().isEmpty() ? "default" : String.join("+", r.voices()));
        line.put("mode", String.join("+", r.modes()));
        line.put("language", r.languages().isEmpty() ? null : String.join("+", r.languages()));
        line.put("text_chars", r.textChars());
        line.put("cache_hit", r.storedFrames() || use != null && use.cacheHit());
        line.put("stored_frames", r.storedFrames());
        line.put("engine", use != null ? use.engine() : r.engine());
        // the worker endpoint(s) of a pool; an engine that runs in one place (embedded) names itself
        line.put("endpoint", use != null ? use.endpoint() : r.engine());
        line.put("in_progress_ms", millis(r.inProgressNanos()));
        line.put("first_packet_ms", millis(r.firstPacketNanos()));
        line.put("audio_s", Math.round(r.audioSeconds() * 1000) / 1000.0);
        // stopped, barged_in, connection_lost or session_ended for a SPEAK that got no SPEAK-COMPLETE; its
        // audio_s is then how far the caller heard it
        line.put("cause", r.cause() == null ? r.stop().label() : r.cause().headerValue());
        if (includeText) {
            line.put("text", r.text());
        }
        try {
            out.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            // a map of strings and numbers always writes
        }
    }

    private static Double millis(long nanos) {
        return nanos < 0 ? null : Math.round(nanos / 10_000.0) / 100.0;
    }

    @Override
    public void close() {
        async.stop();
        out.detachAndStopAllAppenders();
    }
}
