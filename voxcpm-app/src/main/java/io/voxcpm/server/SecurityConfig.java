package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.handler.ssl.SslContext;
import io.voxcpm.bridge.WorkerSecurity;
import io.voxcpm.net.PemTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code security} section: TLS towards the PBX (SIP over TLS and MRCPv2 over TLS) and how the server
 * proves itself to its model workers. Secrets are never in this file: it names the files that hold them.
 *
 * @param tls    certificate and ports for SIP/TLS and {@code TCP/TLS/MRCPv2}; off unless a certificate is set
 * @param worker token and TLS towards the VoxCPM2 workers (their {@code --auth-token-file}, {@code --tls-*})
 */
public record SecurityConfig(Tls tls, Worker worker) {

    public static final SecurityConfig DEFAULTS = new SecurityConfig(null, null);

    public SecurityConfig {
        tls = tls == null ? Tls.DEFAULTS : tls;
        worker = worker == null ? Worker.DEFAULTS : worker;
    }

    /**
     * @param certFile     PEM certificate chain, leaf first; setting it (with the key) turns TLS on
     * @param keyFile      its unencrypted PKCS#8 PEM key
     * @param clientCaFile PEM CA certificates: clients must present a certificate they signed (mutual TLS)
     * @param sipPort      SIP over TLS ({@code transport=tls}); next to UniMRCP's 8060
     * @param mrcpPort     MRCPv2 over TLS, answered to offers of {@code TCP/TLS/MRCPv2}
     */
    public record Tls(@JsonProperty("cert-file") String certFile, @JsonProperty("key-file") String keyFile,
                      @JsonProperty("client-ca-file") String clientCaFile,
                      @JsonProperty("sip-port") Integer sipPort, @JsonProperty("mrcp-port") Integer mrcpPort) {
        public static final Tls DEFAULTS = new Tls(null, null, null, null, null);

        public Tls {
            sipPort = sipPort == null ? 8061 : sipPort;
            mrcpPort = mrcpPort == null ? 1545 : mrcpPort;
        }

        public boolean enabled() {
            return certFile != null;
        }

        /** The server context; call on a validated configuration with TLS enabled. */
        public SslContext context() throws IOException {
            return PemTls.server(Path.of(certFile), Path.of(keyFile), clientCaFile == null ? null : Path.of(clientCaFile));
        }
    }

    /**
     * @param tokenFile the shared token's file (a Docker/Kubernetes secret); default: the file named by
     *                  {@code $VOXCPM_WORKER_TOKEN_FILE}, else {@code $VOXCPM_WORKER_TOKEN}
     * @param tls       speak TLS to the workers
     * @param caFile    PEM CA that signed the workers' certificates (default: the JDK's trust store)
     * @param certFile  client certificate for workers that require mutual TLS
     * @param keyFile   its PKCS#8 PEM key
     * @param authority the name in the workers' certificates when it is not the endpoint's host
     */
    public record Worker(@JsonProperty("token-file") String tokenFile, Boolean tls,
                         @JsonProperty("ca-file") String caFile, @JsonProperty("cert-file") String certFile,
                         @JsonProperty("key-file") String keyFile, String authority) {
        public static final Worker DEFAULTS = new Worker(null, false, null, null, null, null);

        public Worker {
            tls = tls != null && tls;
        }

        /** The {@code bridge.*} keys of {@link WorkerSecurity}. */
        public Map<String, String> bridgeProperties() {
            Map<String, String> props = new HashMap<>();
            put(props, WorkerSecurity.TOKEN_FILE, tokenFile);
            props.put(WorkerSecurity.TLS, String.valueOf(tls));
            put(props, WorkerSecurity.TLS_CA, caFile);
            put(props, WorkerSecurity.TLS_CERT, certFile);
            put(props, WorkerSecurity.TLS_KEY, keyFile);
            put(props, WorkerSecurity.TLS_AUTHORITY, authority);
            return props;
        }

        private static void put(Map<String, String> props, String key, String value) {
            if (value != null) {
                props.put(key, value);
            }
        }
    }

    /** Adds every problem of this section to {@code problems}, naming the key. */
    void validate(List<String> problems, int sipPort, int mrcpPort) {
        if ((tls.certFile() == null) != (tls.keyFile() == null)) {
            problems.add("security.tls.cert-file and security.tls.key-file go together");
        } else if (tls.enabled()) {
            readable(problems, "security.tls.cert-file", tls.certFile());
            readable(problems, "security.tls.key-file", tls.keyFile());
            if (tls.clientCaFile() != null) {
                readable(problems, "security.tls.client-ca-file", tls.clientCaFile());
            }
            for (int port : List.of(tls.sipPort(), tls.mrcpPort())) {
                if (port < 0 || port > 65535) {
                    problems.add("security.tls ports must be 0-65535, got " + port);
                }
            }
            if (tls.sipPort() != 0 && (tls.sipPort() == sipPort || tls.sipPort() == mrcpPort)
                    || tls.mrcpPort() != 0 && (tls.mrcpPort() == mrcpPort || tls.mrcpPort() == sipPort
                    || tls.mrcpPort().equals(tls.sipPort()))) {
                problems.add("security.tls.sip-port (" + tls.sipPort() + ") and security.tls.mrcp-port ("
                        + tls.mrcpPort() + ") must differ from each other, sip.port and mrcp.port");
            }
        } else if (tls.clientCaFile() != null) {
            problems.add("security.tls.client-ca-file needs security.tls.cert-file and key-file");
        }
        try {
            WorkerSecurity.fromProperties(worker.bridgeProperties(), System::getenv);
        } catch (IllegalArgumentException e) {
            problems.add("security.worker: " + e.getMessage());
        }
    }

    private static void readable(List<String> problems, String key, String file) {
        if (!Files.isReadable(Path.of(file))) {
            problems.add(key + ": cannot read " + file);
        }
    }
}
