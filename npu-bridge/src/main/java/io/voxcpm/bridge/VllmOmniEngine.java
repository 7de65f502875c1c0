package io.voxcpm.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VoxCPM2 behind vLLM-Omni's OpenAI-compatible {@code POST /v1/audio/speech}, read as a raw 48 kHz s16le
 * PCM stream (serving-engines.md §1). The JDK HTTP client delivers the body to a subscriber as it
 * arrives, so no thread waits on a request.
 *
 * <p>Documented limits of the server: {@code cfg_value} and {@code inference_timesteps} are fixed there
 * (2.0 and 10). A request that sets them is served with the server's values, and the engine says so
 * once in its log rather than failing a prompt that would play fine on the worker engine. Its
 * {@code max_new_tokens} limit (4096, serving-engines.md §1.3) is the model's own, which a request's
 * {@code max_length} is already held to.
 *
 * <p>Registered voices are uploaded once ({@link VllmVoices}) and named in requests. For VoxCPM2 an
 * uploaded voice is an isolated reference; adding {@code ref_text} makes the server continue the
 * recording. That is vLLM-Omni's "ultimate clone": plain continuation ({@code prompt_audio} +
 * {@code prompt_text}), without the reference prefix the worker engine adds ({@code ref_continuation}),
 * so its similarity can be a little lower than the worker's for the same voice.
 */
public final class VllmOmniEngine implements SpeechEngine {

    public static final String NAME = "voxcpm2-vllm-omni";
    public static final int SAMPLE_RATE = 48_000;

    private static final Logger log = LoggerFactory.getLogger(VllmOmniEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PCM_CONTENT_TYPE = "audio/pcm";

    private final VllmOmniConfig config;
    /** {@code host:port} of the server, without any user info of the URL. */
    private final String endpoint;
    private final VoiceSource voices;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final AtomicBoolean warnedFixedSampling = new AtomicBoolean();
    private final VllmVoices uploads;

    public VllmOmniEngine(VllmOmniConfig config, VoiceSource voices) {
        this.config = config;
        String authority = config.baseUri().getRawAuthority();
        this.endpoint = authority == null ? config.baseUri().toString() : authority.substring(authority.indexOf('@') + 1);
        this.voices = voices;
        this.executor = Executors.newFixedThreadPool(2,
                new ThreadFactoryBuilder().setNameFormat("voxcpm-vllm-%d").setDaemon(true).build());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("voxcpm-vllm-timer").setDaemon(true).build());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // uvicorn speaks HTTP/1.1; skip the h2c upgrade dance
                .connectTimeout(config.connectTimeout())
                .executor(executor)
                .build();
        this.uploads = new VllmVoices(config, http);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int sampleRate() {
        return SAMPLE_RATE;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        GenerationParameters params = request.generation();
        String session = request.context().tagOrDash();
        VoicePlan plan;
        try {
            plan = VoicePlan.resolve(request.voice(), request.mode(), voices);
        } catch (SynthesisException e) {
            sink.onError(e);
            return () -> { };
        }
        if ((params.cfgValue() != null || params.inferenceTimesteps() != null) && warnedFixedSampling.compareAndSet(false, true)) {
            log.warn("[{}] vLLM-Omni fixes cfg_value and inference_timesteps server-side; "
                    + "requested values are ignored (logged once)", session);
        }
        sink.servedBy(endpoint); // records name the server that spoke, as a worker pool names its worker
        Exchange exchange = new Exchange(sink, session, request.text(), params, plan);
        exchange.begin(false);
        return exchange;
    }

    /** Forgets these voices on the server ({@code DELETE /v1/audio/voices/NAME}); one line per voice. Blocks. */
    public List<String> forgetVoices(List<VoiceSample> samples) throws java.io.IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (VoiceSample sample : samples) {
            try {
                lines.add("vLLM-Omni " + config.baseUri() + ": voice '" + sample.name() + "' "
                        + (uploads.delete(sample) ? "deleted" : "not held (nothing to delete)"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.IOException("interrupted while deleting voice " + sample.name(), e);
            }
        }
        return lines;
    }

    /** The JSON body: both streaming flags, since their defaults changed upstream (serving-engines.md §1.7). */
    byte[] requestBody(String text, GenerationParameters params, VoicePlan plan, String uploadedVoice) {
        ObjectNode body = JSON.createObjectNode();
        if (config.model() != null) {
            body.put("model", config.model());
        }
        boolean styled = plan.description() != null
                && (plan.mode() == SynthesisMode.DESIGN || plan.mode() == SynthesisMode.CLONE);
        body.put("input", styled ? "(" + plan.description() + ")" + text : text);
        body.put("voice", uploadedVoice != null ? uploadedVoice : config.voice());
        body.put("response_format", "pcm");
        body.put("stream", true);
        body.put("stream_format", "audio");
        if (uploadedVoice != null && plan.mode() == SynthesisMode.ULTIMATE_CLONE) {
            body.put("ref_text", plan.sample().transcript()); // continuation of the uploaded recording
        }
        if (params.maxLength() != null) {
            body.put("max_new_tokens", params.maxLength());
        }
        if (params.seed() != null) {
            body.put("seed", params.seed());
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** How an HTTP error reads to the SPI; the server's own message is kept. */
    static SynthesisException httpError(int status, byte[] body) {
        String message = errorMessage(body);
        Reason reason = switch (status) {
            case 400, 422 -> message.startsWith("Invalid voice") ? Reason.UNKNOWN_VOICE : Reason.INVALID_REQUEST;
            case 429 -> Reason.OVERLOADED;
            default -> Reason.ENGINE_FAILURE;
        };
        return new SynthesisException(reason, "vLLM-Omni answered " + status + ": " + message);
    }

    /**
     * The message of whichever error body the server wrote: vLLM-Omni's OpenAI envelope
     * {@code {"error":{"message":...}}}, older vLLM's flat {@code {"object":"error","message":...}}, the API
     * key middleware's {@code {"error":"Unauthorized"}}, or FastAPI's validation {@code {"detail":[{"msg":...}]}}.
     */
    private static String errorMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode error = node.path("error");
            for (JsonNode message : List.of(error.path("message"), error, node.path("message"), node.path("detail"))) {
                if (message.isTextual()) {
                    return message.asText();
                }
            }
            if (node.path("detail").isArray()) {
                StringBuilder all = new StringBuilder();
                node.path("detail").forEach(d -> all.append(all.length() == 0 ? "" : "; ")
                        .append(d.path("loc").toString()).append(' ').append(d.path("msg").asText()));
                return all.toString();
            }
        } catch (Exception e) {
            // not JSON: fall through to the raw text
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        executor.shutdownNow();
    }

    /** One HTTP exchange: headers decide between the PCM stream and an error body. */
    private final class Exchange implements Synthesis, BodySubscriber<Void> {

        private final AudioSink sink;
        private final String session;
        private final String text;
        private final GenerationParameters params;
        private final VoicePlan plan;
        private final PcmDecoder decoder = new PcmDecoder();
        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile boolean cancelled;
        private volatile Flow.Subscription subscription;
        private volatile CompletableFuture<HttpResponse<Void>> response;
        private volatile ScheduledFuture<?> deadline;

        /** Set before the request is sent: whether this exchange already re-uploaded a lost voice. */
        private volatile boolean retried;

        Exchange(AudioSink sink, String session, String text, GenerationParameters params, VoicePlan plan) {
            this.sink = sink;
            this.session = session;
            this.text = text;
            this.params = params;
            this.plan = plan;
        }

        /** Uploads the voice when needed, then sends the request. */
        void begin(boolean retry) {
            retried = retry;
            if (plan.sample() == null) {
                send(null);
                return;
            }
            uploads.ensure(plan.sample(), session).whenComplete((name, err) -> {
                if (err == null) {
                    send(name);
                } else {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    fail(cause instanceof SynthesisException se ? se : new SynthesisException(Reason.ENGINE_FAILURE,
                            "uploading voice '" + plan.sample().name() + "' to vLLM-Omni failed: " + cause, cause));
                }
            });
        }

        private void send(String uploadedVoice) {
            if (cancelled) {
                return;
            }
            HttpRequest.Builder http = HttpRequest.newBuilder(config.speechUri())
                    .header("Content-Type", "application/json")
                    .header("Accept", PCM_CONTENT_TYPE + ", application/json")
                    .timeout(config.synthesisDeadline())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(requestBody(text, params, plan, uploadedVoice)));
            config.authorize(http);
            start(http.build());
        }

        private void start(HttpRequest request) {
            deadline = timer.schedule(() -> {
                // Report first: aborting completes the response future, which would report a vaguer error.
                fail(new SynthesisException(Reason.ENGINE_FAILURE,
                        "vLLM-Omni stream exceeded its deadline of " + config.synthesisDeadline()));
                abort();
            }, config.synthesisDeadline().toMillis(), TimeUnit.MILLISECONDS);
            response = http.sendAsync(request, this::subscriberFor);
            response.whenComplete((r, err) -> {
                if (err != null) {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    fail(new SynthesisException(Reason.ENGINE_FAILURE,
                            "vLLM-Omni request failed: " + cause, cause));
                }
            });
        }

        private BodySubscriber<Void> subscriberFor(ResponseInfo info) {
            if (info.statusCode() != 200) {
                return BodySubscribers.mapping(BodySubscribers.ofByteArray(), bytes -> {
                    SynthesisException e = httpError(info.statusCode(), bytes);
                    if (e.reason() == Reason.UNKNOWN_VOICE && plan.sample() != null && !retried && !cancelled) {
                        // The server lost our upload (restarted without its voice directory): once more.
                        log.info("[{}] vLLM-Omni lost voice '{}'; uploading it again", session, plan.sample().name());
                        uploads.forget(plan.sample());
                        stopTimer();
                        begin(true);
                    } else {
                        fail(e);
                    }
                    return null;
                });
            }
            String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith(PCM_CONTENT_TYPE)) {
                fail(new SynthesisException(Reason.ENGINE_FAILURE,
                        "vLLM-Omni streamed '" + type + "', expected " + PCM_CONTENT_TYPE
                                + " (a server that ignores stream_format?)"));
                return BodySubscribers.replacing(null);
            }
            return this;
        }

        @Override
        public void cancel() {
            cancelled = true;
            abort();
        }

        /** Cancelling the body subscription closes the connection; before the headers, cancel the exchange. */
        private void abort() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            CompletableFuture<HttpResponse<Void>> r = response;
            if (r != null) {
                r.cancel(true);
            }
            stopTimer();
        }

        private void stopTimer() {
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
        }

        private void fail(SynthesisException e) {
            stopTimer();
            if (!cancelled && finished.compareAndSet(false, true)) {
                log.info("[{}] vLLM-Omni synthesis failed: {} {}", session, e.reason(), e.getMessage());
                sink.onError(e);
            }
        }

        @Override
        public CompletableFuture<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled || finished.get()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            short[] samples = decoder.decode(buffers);
            if (samples.length > 0 && !cancelled && !finished.get()) {
                sink.onAudio(samples);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
            fail(new SynthesisException(Reason.ENGINE_FAILURE, "vLLM-Omni stream broke off: " + t, t));
        }

        @Override
        public void onComplete() {
            body.complete(null);
            stopTimer();
            if (decoder.hasDanglingByte()) {
                fail(new SynthesisException(Reason.ENGINE_FAILURE, "vLLM-Omni stream ended mid-sample"));
            } else if (!cancelled && finished.compareAndSet(false, true)) {
                sink.onComplete();
            }
        }
    }
}
