package io.voxcpm.bridge;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the bridge reaches a vLLM-Omni server serving VoxCPM2.
 *
 * @param baseUri           e.g. {@code http://tts-host:8000}; {@code /v1/audio/speech} is appended
 * @param model             served model name sent as {@code model}; null to omit the field
 * @param voice             value of {@code voice} when the request names no registered voice
 * @param apiKey            bearer token when the server runs with {@code --api-key}; null otherwise. From
 *                          {@value #API_KEY} or the environment variable {@value #API_KEY_ENV}; never logged
 * @param connectTimeout    TCP connect timeout
 * @param synthesisDeadline deadline of one whole streamed response
 */
public record VllmOmniConfig(
        URI baseUri, String model, String voice, String apiKey, Duration connectTimeout, Duration synthesisDeadline) {

    public static final String URL = "bridge.vllm.url";
    public static final String MODEL = "bridge.vllm.model";
    public static final String VOICE = "bridge.vllm.voice";
    public static final String API_KEY = "bridge.vllm.api-key";
    public static final String CONNECT_TIMEOUT = "bridge.vllm.connect-timeout";
    /** Where the API key comes from when the configuration does not set it (keeps it out of YAML files). */
    public static final String API_KEY_ENV = "VOXCPM_VLLM_API_KEY";

    public VllmOmniConfig {
        Objects.requireNonNull(baseUri, "baseUri");
        voice = voice == null || voice.isBlank() ? "default" : voice;
    }

    /** Reads {@value #URL} (required), {@value #MODEL}, {@value #VOICE}, {@value #API_KEY},
     * {@value #CONNECT_TIMEOUT} and {@value WorkerPoolConfig#SYNTHESIS_DEADLINE}. */
    public static VllmOmniConfig fromProperties(Map<String, String> props) {
        ConfigValues c = new ConfigValues(props);
        String url = c.string(URL, null);
        if (url == null) {
            throw new IllegalArgumentException(URL + " is required (http://host:port)");
        }
        return new VllmOmniConfig(
                URI.create(url),
                c.string(MODEL, null),
                c.string(VOICE, "default"),
                c.string(API_KEY, blankToNull(System.getenv(API_KEY_ENV))),
                c.duration(CONNECT_TIMEOUT, Duration.ofSeconds(5)),
                c.duration(WorkerPoolConfig.SYNTHESIS_DEADLINE, Duration.ofSeconds(120)));
    }

    URI speechUri() {
        return endpoint("/v1/audio/speech");
    }

    URI endpoint(String path) {
        String base = baseUri.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** Adds the bearer token, when there is one. */
    void authorize(java.net.http.HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
    }

    /** Without the API key: records print every component, and configurations end up in logs. */
    @Override
    public String toString() {
        return "VllmOmniConfig[baseUri=" + baseUri + ", model=" + model + ", voice=" + voice + ", apiKey="
                + (apiKey == null ? "none" : "(set)") + ", connectTimeout=" + connectTimeout + ", synthesisDeadline="
                + synthesisDeadline + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
