package io.voxcpm.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.ops.http.HttpLimits;
import java.time.Duration;
import java.util.List;

/** The operations keys of the configuration: the management port, the drain on SIGTERM, synthesis records. */
public final class OpsConfig {

    private OpsConfig() { }

    /**
     * The management HTTP port: {@code /metrics}, {@code /health/live}, {@code /health/ready} and, when a token
     * is configured, {@code /admin/v1}.
     *
     * @param enabled        false: no management port at all
     * @param address        local address to listen on; null: the SIP listen address ({@code sip.address})
     * @param port           TCP port; 0 picks a free one (tests)
     * @param maxConnections open connections (Prometheus, probes, admin clients)
     * @param maxHeaderBytes request line and headers of one request
     * @param maxBodyBytes   body of a request to a route without a limit of its own
     * @param idleTimeoutS   an idle keep-alive connection is closed after this long
     * @param tlsCert        PEM certificate chain; with {@code tls-key}, the port speaks HTTPS only
     * @param tlsKey         PEM PKCS#8 private key of {@code tls-cert}
     */
    public record Http(Boolean enabled, String address, Integer port,
                       @JsonProperty("max-connections") Integer maxConnections,
                       @JsonProperty("max-header-bytes") Integer maxHeaderBytes,
                       @JsonProperty("max-body-bytes") Integer maxBodyBytes,
                       @JsonProperty("idle-timeout-s") Integer idleTimeoutS,
                       @JsonProperty("tls-cert") String tlsCert,
                       @JsonProperty("tls-key") String tlsKey) {

        public static final int DEFAULT_PORT = 8090;
        public static final Http DEFAULTS = new Http(null, null, null, null, null, null, null, null, null);

        public Http {
            enabled = enabled == null || enabled;
            port = port == null ? DEFAULT_PORT : port;
            maxConnections = maxConnections == null ? HttpLimits.DEFAULTS.maxConnections() : maxConnections;
            maxHeaderBytes = maxHeaderBytes == null ? HttpLimits.DEFAULTS.maxHeaderBytes() : maxHeaderBytes;
            maxBodyBytes = maxBodyBytes == null ? HttpLimits.DEFAULTS.maxBodyBytes() : maxBodyBytes;
            idleTimeoutS = idleTimeoutS == null ? (int) HttpLimits.DEFAULTS.idleTimeout().toSeconds() : idleTimeoutS;
        }

        public Http withPort(int newPort) {
            return new Http(enabled, address, newPort, maxConnections, maxHeaderBytes, maxBodyBytes, idleTimeoutS,
                    tlsCert, tlsKey);
        }

        public Http withEnabled(boolean on) {
            return new Http(on, address, port, maxConnections, maxHeaderBytes, maxBodyBytes, idleTimeoutS,
                    tlsCert, tlsKey);
        }

        public boolean tls() {
            return tlsCert != null;
        }

        public HttpLimits limits() {
            return new HttpLimits(maxHeaderBytes, maxBodyBytes, Duration.ofSeconds(idleTimeoutS), maxConnections,
                    HttpLimits.DEFAULTS.handlerThreads());
        }
    }

    /**
     * What SIGTERM does: readiness turns false and new INVITEs get 503 with Retry-After at once; SPEAKs in
     * progress play to their end for up to {@code timeout-s}; then every session ends with BYE and the
     * process exits 0. A second SIGTERM ends at once.
     *
     * @param timeoutS    the longest wait for SPEAKs in progress (keep it below Kubernetes'
     *                    terminationGracePeriodSeconds, 30 s by default)
     * @param retryAfterS the Retry-After of the 503 answered to INVITEs while draining
     */
    public record Drain(@JsonProperty("timeout-s") Integer timeoutS, @JsonProperty("retry-after-s") Integer retryAfterS) {
        public static final Drain DEFAULTS = new Drain(null, null);

        public Drain {
            timeoutS = timeoutS == null ? 25 : timeoutS;
            retryAfterS = retryAfterS == null ? 5 : retryAfterS;
        }
    }

    /**
     * Synthesis detail records: one JSON line per SPEAK.
     *
     * @param file        where the lines go (rotated daily and by size, compressed); null or empty: off
     * @param includeText whether each line carries the prompt text (it may hold what callers said or typed)
     * @param maxFileMb   size at which the current file is rotated
     * @param maxHistory  rotated files kept (days)
     */
    public record Records(String file, @JsonProperty("include-text") Boolean includeText,
                          @JsonProperty("max-file-mb") Integer maxFileMb,
                          @JsonProperty("max-history") Integer maxHistory) {
        public static final Records DEFAULTS = new Records(null, null, null, null);

        public Records {
            file = file == null || file.isBlank() ? null : file;
            includeText = includeText != null && includeText;
            maxFileMb = maxFileMb == null ? 100 : maxFileMb;
            maxHistory = maxHistory == null ? 14 : maxHistory;
        }

        public boolean enabled() {
            return file != null;
        }
    }

    /** Adds each problem of these sections to {@code problems}, worded for the operator. */
    public static void check(Http http, Drain drain, Records records, List<String> problems) {
        if (http.port() < 0 || http.port() > 65535) {
            problems.add("http.port must be 0-65535, got " + http.port());
        }
        if (http.maxConnections() < 1 || http.maxHeaderBytes() < 1024 || http.maxBodyBytes() < 0
                || http.idleTimeoutS() < 1) {
            problems.add("http.max-connections and http.idle-timeout-s must be at least 1, http.max-header-bytes"
                    + " at least 1024, http.max-body-bytes 0 or more");
        }
        if ((http.tlsCert() == null) != (http.tlsKey() == null)) {
            problems.add("http.tls-cert and http.tls-key go together: set both for HTTPS, or neither");
        }
        if (drain.timeoutS() < 0 || drain.retryAfterS() < 1) {
            problems.add("drain.timeout-s must be 0 or more and drain.retry-after-s at least 1, got "
                    + drain.timeoutS() + " and " + drain.retryAfterS());
        }
        if (records.maxFileMb() < 1 || records.maxHistory() < 1) {
            problems.add("records.max-file-mb and records.max-history must be at least 1");
        }
    }
}
