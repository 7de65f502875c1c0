package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.VoiceSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VllmOmniEngine against a local HTTP server that speaks vLLM-Omni's {@code /v1/audio/speech} raw-PCM
 * wire format (serving-engines.md §1.6-1.10): chunked s16le, split at odd byte offsets, OpenAI error JSON.
 */
class VllmOmniEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SAMPLES = 4800;

    private HttpServer server;
    private SpeechEngine engine;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger aborted = new AtomicInteger();
    /** Gaps between pieces make the client see them as separate reads, odd splits included. */
    private volatile long pieceDelayMs = 5;
    private volatile int samples = SAMPLES;
    private volatile int pieces = 7;
    private volatile boolean breakOffMidway;
    private volatile String apiKey;
    /** As launched by the recipe: {@code --served-model-name voxcpm2 openbmb/VoxCPM2}. */
    private static final List<String> SERVED_MODELS = List.of("voxcpm2", "openbmb/VoxCPM2");

    /** Uploaded voices by (lower-cased) name: the recording and the optional ref_text, as the server keeps them. */
    private final Map<String, byte[]> uploads = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger uploadCalls = new AtomicInteger();
    private volatile int uploadStatus = 200;

    private final VoiceSample alice = new VoiceSample("alice", "RIFF....WAVEfmt fake".getBytes(StandardCharsets.US_ASCII),
            "Hello, I am Alice.");

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/audio/speech", this::speech);
        server.createContext("/v1/audio/voices", this::voices);
        server.start();
        engine = engine(Map.of());
    }

    private SpeechEngine engine(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of(
                BridgeConfig.KIND, "vllm-omni",
                VllmOmniConfig.URL, "http://127.0.0.1:" + server.getAddress().getPort(),
                VllmOmniConfig.MODEL, "voxcpm2"));
        props.putAll(extra);
        return BridgeConfig.fromProperties(props)
                .createEngine(name -> name.equals("alice") ? Optional.of(alice) : Optional.empty());
    }

    @AfterEach
    void stop() {
        engine.close();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Validates like the real server (before the first byte), then streams raw PCM in odd-sized pieces. */
    private void speech(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        bodies.add(body);
        contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
        String input = body.path("input").asText("");
        String voice = body.path("voice").asText("default");
        if (apiKey != null && !("Bearer " + apiKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"Unauthorized\"}"); // vLLM's API key middleware, not the envelope
            return;
        }
        if (!"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            error(ex, 415, "Unsupported Media Type: Only 'application/json' is allowed", "BadRequestError", null);
            return;
        }
        if (body.has("model") && !SERVED_MODELS.contains(body.path("model").asText())) {
            error(ex, 404, "The model `" + body.path("model").asText() + "` does not exist.", "NotFoundError", "model");
            return;
        }
        if (body.has("sample_rate")) {
            error(ex, 400, "sample_rate is not supported by the current TTS model");
            return;
        }
        if (!body.path("stream_format").asText().equals("audio") || !body.path("response_format").asText().equals("pcm")) {
            error(ex, 400, "this stand-in serves only the raw PCM stream");
            return;
        }
        int maxNewTokens = body.path("max_new_tokens").asInt(1);
        if (maxNewTokens < 1 || maxNewTokens > 4096) {
            error(ex, 400, maxNewTokens < 1 ? "max_new_tokens must be at least 1" : "max_new_tokens cannot exceed 4096");
            return;
        }
        if (input.isBlank()) {
            error(ex, 400, "Input text cannot be empty");
            return;
        }
        if (!voice.equals("default") && !uploads.containsKey(voice.toLowerCase(java.util.Locale.ROOT))) {
            error(ex, 400, "Invalid voice '" + voice + "'. Supported: default" + (uploads.isEmpty() ? "" : ", "
                    + String.join(", ", uploads.keySet())));
            return;
        }
        byte[] pcm = pcmFor(input);
        ex.getResponseHeaders().set("Content-Type", "audio/pcm");
        ex.sendResponseHeaders(200, 0); // chunked
        OutputStream out = ex.getResponseBody();
        try {
            int at = 0;
            int step = pcm.length / pieces | 1; // odd: every boundary but the last splits a sample
            for (int i = 0; at < pcm.length; i++) {
                int n = Math.min(step, pcm.length - at);
                out.write(pcm, at, n);
                out.flush();
                at += n;
                if (breakOffMidway && at > pcm.length / 2) {
                    throw new IllegalStateException("engine died mid-stream");
                }
                if (pieceDelayMs > 0) {
                    Thread.sleep(pieceDelayMs);
                }
            }
            out.close();
        } catch (IOException e) {
            aborted.incrementAndGet();
            ex.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code POST /v1/audio/voices} (multipart: audio_sample, consent and name required, ref_text optional; a
     * name is matched case-insensitively and re-uploading overwrites) and {@code DELETE /v1/audio/voices/NAME}
     * (404 in the error envelope when absent), as serving-engines.md §2 documents them.
     */
    private void voices(HttpExchange ex) throws IOException {
        if (apiKey != null && !("Bearer " + apiKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"Unauthorized\"}");
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (ex.getRequestMethod().equals("DELETE")) {
            String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
            if (uploads.remove(name) == null) {
                error(ex, 404, "Voice '" + name + "' not found", "NotFoundError", null);
            } else {
                send(ex, 200, "{\"success\":true,\"message\":\"Voice '" + name + "' deleted successfully\"}");
            }
            return;
        }
        uploadCalls.incrementAndGet();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("multipart/form-data; boundary=")) {
            error(ex, 400, "expected multipart/form-data");
            return;
        }
        Map<String, byte[]> parts = multipart(ex.getRequestBody().readAllBytes(), type.substring(type.indexOf('=') + 1));
        if (uploadStatus != 200) {
            error(ex, uploadStatus, "File size exceeds maximum limit of 10MB");
            return;
        }
        if (!parts.containsKey("audio_sample") || !parts.containsKey("consent") || !parts.containsKey("name")) {
            error(ex, 400, "Either 'audio_sample' or 'speaker_embedding' must be provided; consent and name are required");
            return;
        }
        String name = new String(parts.get("name"), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        uploads.put(name, parts.get("audio_sample"));
        send(ex, 200, "{\"success\":true,\"voice\":{\"name\":\"" + name + "\"}}");
    }

    /** Part name -> content of a multipart/form-data body. */
    static Map<String, byte[]> multipart(byte[] body, String boundary) {
        Map<String, byte[]> parts = new HashMap<>();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        for (String part : text.split("--" + java.util.regex.Pattern.quote(boundary))) {
            int head = part.indexOf("\r\n\r\n");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"([^\"]+)\"").matcher(part);
            if (head < 0 || !m.find() || m.start() > head) {
                continue;
            }
            String content = part.substring(head + 4, part.length() - 2); // the CRLF before the next boundary
            parts.put(m.group(1), content.getBytes(StandardCharsets.ISO_8859_1));
        }
        return parts;
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        error(ex, status, message, "BadRequestError", null);
    }

    /** vLLM-Omni's OpenAI-style envelope (serving-engines.md §1.10), {@code param} null when not set. */
    private static void error(HttpExchange ex, int status, String message, String type, String param)
            throws IOException {
        ObjectNode inner = JSON.createObjectNode().put("message", message).put("type", type).put("param", param)
                .put("code", status);
        send(ex, status, JSON.writeValueAsString(JSON.createObjectNode().set("error", inner)));
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private byte[] pcmFor(String input) {
        short[] pcm = StandInWorker.expectedPcm(input, 1, samples);
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : pcm) {
            b.putShort(s);
        }
        return b.array();
    }

    private RecordingSink run(SynthesisRequest request) {
        RecordingSink sink = new RecordingSink();
        engine.synthesize(request, sink);
        return sink;
    }

    private static SynthesisRequest request(String text, VoiceSpec voice, GenerationParameters params) {
        return new SynthesisRequest(text, null, voice, null, params);
    }

    @Test
    void streamsRawPcmAcrossOddChunkBoundaries() throws Exception {
        RecordingSink sink = run(SynthesisRequest.of("Hello from vLLM"));

        short[] audio = sink.done.get(10, TimeUnit.SECONDS);

        assertThat(audio).containsExactly(StandInWorker.expectedPcm("Hello from vLLM", 1, SAMPLES));
        assertThat(sink.chunks.get()).isGreaterThan(1);
        assertThat(sink.servedBy).containsExactly("127.0.0.1:" + server.getAddress().getPort());
        JsonNode body = bodies.get(0);
        assertThat(body.path("model").asText()).isEqualTo("voxcpm2");
        assertThat(body.path("input").asText()).isEqualTo("Hello from vLLM");
        assertThat(body.path("voice").asText()).isEqualTo("default");
        assertThat(body.path("response_format").asText()).isEqualTo("pcm");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_format").asText()).isEqualTo("audio");
        assertThat(body.has("ref_audio")).isFalse();
        assertThat(body.has("sample_rate")).as("a 400 on newer servers").isFalse();
        assertThat(contentTypes.get(0)).isEqualTo("application/json");
        assertThat(engine.sampleRate()).isEqualTo(48_000);
    }

    @Test
    void designPrefixesTheDescriptionAndClonesSendTheReference() throws Exception {
        run(request("Hi", new VoiceSpec(null, null, null, "A calm (deep) voice"), new GenerationParameters(null, null, 7L, 500, null)))
                .done.get(10, TimeUnit.SECONDS);
        run(request("Hi", new VoiceSpec("alice", null, null, null), GenerationParameters.NONE)).done.get(10, TimeUnit.SECONDS);
        run(request("Hi", new VoiceSpec("alice", null, null, "whispering"), GenerationParameters.NONE)).done.get(10, TimeUnit.SECONDS);

        JsonNode design = bodies.get(0);
        assertThat(design.path("input").asText()).isEqualTo("(A calm deep voice)Hi");
        assertThat(design.path("seed").asLong()).isEqualTo(7);
        assertThat(design.path("max_new_tokens").asInt()).isEqualTo(500);
        String name = VllmVoices.serverName(alice);
        assertThat(uploadCalls).as("uploaded once, then named").hasValue(1);
        assertThat(uploads.get(name)).isEqualTo(alice.wav());
        JsonNode ultimate = bodies.get(1);
        assertThat(ultimate.path("input").asText()).isEqualTo("Hi");
        assertThat(ultimate.path("voice").asText()).isEqualTo(name);
        assertThat(ultimate.has("ref_audio")).as("no recording in the request").isFalse();
        assertThat(ultimate.path("ref_text").asText()).as("continuation of the uploaded voice").isEqualTo(alice.transcript());
        JsonNode styledClone = bodies.get(2);
        assertThat(styledClone.path("input").asText()).isEqualTo("(whispering)Hi");
        assertThat(styledClone.path("voice").asText()).isEqualTo(name);
        assertThat(styledClone.has("ref_audio")).isFalse();
        assertThat(styledClone.has("ref_text")).as("a style description means isolated-reference cloning").isFalse();
    }

    @Test
    void aVoiceTheServerLostIsUploadedAgainOnceAndUploadErrorsSayWhat() throws Exception {
        run(request("Hi", new VoiceSpec("alice", null, null, null), GenerationParameters.NONE)).done.get(10, TimeUnit.SECONDS);
        uploads.clear(); // the server restarted without its voice directory
        assertThat(run(request("Again", new VoiceSpec("alice", null, null, null), GenerationParameters.NONE)).done.get(10, TimeUnit.SECONDS))
                .isNotEmpty();
        assertThat(uploadCalls).hasValue(2);
        assertThat(bodies).hasSize(3).extracting(b -> b.path("voice").asText()).containsOnly(VllmVoices.serverName(alice));

        assertThat(((VllmOmniEngine) engine).forgetVoices(List.of(alice))).singleElement().asString().contains("deleted");
        assertThat(uploads).isEmpty();
        assertThat(((VllmOmniEngine) engine).forgetVoices(List.of(alice))).singleElement().asString().contains("not held");

        uploadStatus = 413;
        SynthesisException refused = run(request("Hi", new VoiceSpec("alice", null, null, null), GenerationParameters.NONE))
                .error.get(10, TimeUnit.SECONDS);
        assertThat(refused.getMessage()).contains("uploading voice 'alice'", "413", "exceeds maximum limit");
    }

    @Test
    void theApiKeyNeverAppearsInTheConfigurationsText() {
        VllmOmniConfig config = VllmOmniConfig.fromProperties(Map.of(VllmOmniConfig.URL, "http://h:1",
                VllmOmniConfig.API_KEY, "s3cret-key"));
        assertThat(config.apiKey()).isEqualTo("s3cret-key");
        assertThat(config.toString()).doesNotContain("s3cret").contains("apiKey=(set)");
    }

    @Test
    void perRequestCfgAndTimestepsAreIgnoredNotSent() throws Exception {
        run(request("Hi", VoiceSpec.DEFAULT, new GenerationParameters(new BigDecimal("3"), 20, null, null, null)))
                .done.get(10, TimeUnit.SECONDS);

        assertThat(bodies.get(0).has("cfg_value")).isFalse();
        assertThat(bodies.get(0).has("inference_timesteps")).isFalse();
    }

    @Test
    void serverErrorsKeepTheServersMessage() throws Exception {
        SynthesisException empty = run(SynthesisRequest.of("   ")).error.get(10, TimeUnit.SECONDS);
        assertThat(empty.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(empty.getMessage()).contains("400").contains("Input text cannot be empty");

        engine.close();
        engine = engine(Map.of(VllmOmniConfig.VOICE, "nobody"));
        SynthesisException voice = run(SynthesisRequest.of("Hi")).error.get(10, TimeUnit.SECONDS);
        assertThat(voice.reason()).isEqualTo(Reason.UNKNOWN_VOICE);
        assertThat(voice.getMessage()).contains("Invalid voice 'nobody'");
    }

    @Test
    void configurationErrorsReadAsEngineFailuresWithTheServersWords() throws Exception {
        engine.close();
        engine = engine(Map.of(VllmOmniConfig.MODEL, "VoxCPM3"));
        SynthesisException model = run(SynthesisRequest.of("Hi")).error.get(10, TimeUnit.SECONDS);
        assertThat(model.reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(model.getMessage()).contains("404", "The model `VoxCPM3` does not exist.");

        apiKey = "s3cret";
        SynthesisException unauthorized = run(SynthesisRequest.of("Hi")).error.get(10, TimeUnit.SECONDS);
        assertThat(unauthorized.getMessage()).endsWith("401: Unauthorized");
        engine.close();
        engine = engine(Map.of(VllmOmniConfig.API_KEY, "s3cret"));
        assertThat(run(SynthesisRequest.of("Hi")).done.get(10, TimeUnit.SECONDS)).isNotEmpty();
    }

    @Test
    void streamCutOffMidwayIsAnEngineFailure() throws Exception {
        breakOffMidway = true;
        RecordingSink sink = run(SynthesisRequest.of("cut short"));

        SynthesisException e = sink.error.get(10, TimeUnit.SECONDS);

        assertThat(e.reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(sink.endings()).isEqualTo(1);
    }

    @Test
    void unreachableServerIsAnEngineFailure() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        engine.close();
        engine = engine(Map.of(VllmOmniConfig.URL, "http://127.0.0.1:" + port));

        assertThat(run(SynthesisRequest.of("Hi")).error.get(10, TimeUnit.SECONDS).reason())
                .isEqualTo(Reason.ENGINE_FAILURE);
    }

    @Test
    void cancelAbortsTheHttpExchange() throws Exception {
        pieces = 70;
        samples = SAMPLES * 10;
        pieceDelayMs = 30;
        RecordingSink sink = new RecordingSink();
        Synthesis synthesis = engine.synthesize(SynthesisRequest.of("long one"), sink);
        sink.firstChunk.get(10, TimeUnit.SECONDS);

        synthesis.cancel();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(aborted).hasValue(1));
        assertThat(sink.endings()).isZero();
    }
}
