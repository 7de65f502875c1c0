package io.voxcpm.bridge;

import io.voxcpm.engine.SynthesisException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered voices uploaded once to vLLM-Omni ({@code POST /v1/audio/voices}, serving-engines.md §2) and
 * then named in each request, instead of sending the whole reference as base64 every time. The server
 * name is derived from the content ({@code vxm-} and 24 hex digits of the content hash), so a voice
 * re-registered with another recording is uploaded under a new name and never mixed up with the old one.
 *
 * <p>The server keeps uploads in its own directory, per process; one that lost them answers "Invalid
 * voice", after which the engine uploads again ({@link #forget}).
 */
final class VllmVoices {

    private static final Logger log = LoggerFactory.getLogger(VllmVoices.class);

    private final VllmOmniConfig config;
    private final HttpClient http;
    /** Content hash -> server voice name, once uploaded. */
    private final Map<String, CompletableFuture<String>> uploaded = new ConcurrentHashMap<>();

    VllmVoices(VllmOmniConfig config, HttpClient http) {
        this.config = config;
        this.http = http;
    }

    static String serverName(VoiceSample sample) {
        return "vxm-" + sample.contentHash().substring(0, 24);
    }

    /** Completes with the server's name for the voice once it holds it. */
    CompletableFuture<String> ensure(VoiceSample sample, String session) {
        String hash = sample.contentHash();
        CompletableFuture<String> f = uploaded.computeIfAbsent(hash, h -> upload(sample, session));
        f.whenComplete((name, err) -> {
            if (err != null) {
                uploaded.remove(hash, f);
            }
        });
        return f;
    }

    /** The server lost the voice (restarted with another directory): upload again on next use. */
    void forget(VoiceSample sample) {
        uploaded.remove(sample.contentHash());
    }

    private CompletableFuture<String> upload(VoiceSample sample, String session) {
        String name = serverName(sample);
        String boundary = "voxcpm-" + UUID.randomUUID();
        Multipart body = new Multipart(boundary)
                .file("audio_sample", name + ".wav", "audio/wav", sample.wav())
                .field("name", name)
                .field("consent", "voxcpm-mrcp registered voice '" + sample.name() + "'");
        if (sample.hasTranscript()) {
            body.field("ref_text", sample.transcript());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(config.endpoint("/v1/audio/voices"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(config.connectTimeout().multipliedBy(6))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.finish()));
        config.authorize(request);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                SynthesisException e = VllmOmniEngine.httpError(r.statusCode(), r.body());
                throw new CompletionException(new SynthesisException(e.reason(),
                        "uploading voice '" + sample.name() + "': " + e.getMessage()));
            }
            log.info("[{}] voice '{}' uploaded to vLLM-Omni as {}", session, sample.name(), name);
            return name;
        });
    }

    /** Deletes the voice from the server; false when it did not hold it. Blocks. */
    boolean delete(VoiceSample sample) throws IOException, InterruptedException {
        forget(sample);
        String name = serverName(sample);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        config.endpoint("/v1/audio/voices/" + URLEncoder.encode(name, StandardCharsets.UTF_8)))
                .timeout(config.connectTimeout().multipliedBy(6)).DELETE();
        config.authorize(request);
        HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return false;
        }
        if (r.statusCode() != 200) {
            throw new IOException(VllmOmniEngine.httpError(r.statusCode(), r.body()).getMessage());
        }
        return true;
    }

    /** A multipart/form-data body (RFC 7578). */
    private static final class Multipart {
        private final String boundary;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart(String boundary) {
            this.boundary = boundary;
        }

        Multipart field(String name, String value) {
            head("form-data; name=\"" + name + "\"", "text/plain; charset=utf-8");
            out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(CRLF);
            return this;
        }

        Multipart file(String name, String filename, String type, byte[] content) {
            head("form-data; name=\"" + name + "\"; filename=\"" + filename + "\"", type);
            out.writeBytes(content);
            out.writeBytes(CRLF);
            return this;
        }

        byte[] finish() {
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }

        private void head(String disposition, String type) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\nContent-Type: " + type
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
