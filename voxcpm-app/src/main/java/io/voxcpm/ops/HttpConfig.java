package io.voxcpm.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.ops.http.HttpLimits;
import java.time.Duration;
import java.util.List;

/**
 * The {@code http:} section, the management port: {@code /metrics}, {@code /health/live}, {@code /health/ready}
 * and, when a token is configured, {@code /admin/v1}.
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
public record HttpConfig(Boolean enabled, String address, Integer port,
                         @JsonProperty("max-connections") Integer maxConnections,
                         @JsonProperty("max-header-bytes") Integer maxHeaderBytes,
                         @JsonProperty("max-body-bytes") Integer maxBodyBytes,
                         @JsonProperty("idle-timeout-s") Integer idleTimeoutS,
                         @JsonProperty("tls-cert") String tlsCert,
                         @JsonProperty("tls-key") String tlsKey) {

    public static final int DEFAULT_PORT = 8090;
    public static final HttpConfig DEFAULTS = new HttpConfig(null, null, null, null, null, null, null, null, null);

    public HttpConfig {
        enabled = enabled == null || enabled;
        port = port == null ? DEFAULT_PORT : port;
        maxConnections = maxConnections == null ? HttpLimits.DEFAULTS.maxConnections() : maxConnections;
        maxHeaderBytes = maxHeaderBytes == null ? HttpLimits.DEFAULTS.maxHeaderBytes() : maxHeaderBytes;
        maxBodyBytes = maxBodyBytes == null ? HttpLimits.DEFAULTS.maxBodyBytes() : maxBodyBytes;
        idleTimeoutS = idleTimeoutS == null ? (int) HttpLimits.DEFAULTS.idleTimeout().toSeconds() : idleTimeoutS;
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(enabled, address, newPort, maxConnections, maxHeaderBytes, maxBodyBytes, idleTimeoutS,
                tlsCert, tlsKey);
    }

    public HttpConfig withAddress(String value) {
        return new HttpConfig(enabled, value, port, maxConnections, maxHeaderBytes, maxBodyBytes, idleTimeoutS,
                tlsCert, tlsKey);
    }

    public HttpConfig withEnabled(boolean on) {
        return new HttpConfig(on, address, port, maxConnections, maxHeaderBytes, maxBodyBytes, idleTimeoutS,
                tlsCert, tlsKey);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    public HttpLimits limits() {
        return new HttpLimits(maxHeaderBytes, maxBodyBytes, Duration.ofSeconds(idleTimeoutS), maxConnections,
                HttpLimits.DEFAULTS.handlerThreads());
    }

    /** Adds each problem of this section to {@code problems}, worded for the operator. */
    public void check(List<String> problems) {
        if (port < 0 || port > 65535) {
            problems.add("http.port must be 0-65535, got " + port);
        }
        if (maxConnections < 1 || maxHeaderBytes < 1024 || maxBodyBytes < 0 || idleTimeoutS < 1) {
            problems.add("http.max-connections and http.idle-timeout-s must be at least 1, http.max-header-bytes"
                    + " at least 1024, http.max-body-bytes 0 or more");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            problems.add("http.tls-cert and http.tls-key go together: set both for HTTPS, or neither");
        }
    }
}
