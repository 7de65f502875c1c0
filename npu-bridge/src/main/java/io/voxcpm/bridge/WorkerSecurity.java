package io.voxcpm.bridge;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * How the bridge proves itself to its workers (the worker's {@code --auth-token-file}, {@code --tls-*}):
 * a shared token sent as {@code authorization: Bearer <token>} on every call, TLS that checks the
 * worker's certificate against {@code caFile}, and a client certificate for mutual TLS. The token comes
 * from a file or the environment and is never logged.
 *
 * @param token     the shared token, or null
 * @param tls       whether to speak TLS to the workers
 * @param caFile    PEM CA certificates that signed the workers' certificates (null: the JDK's trust store)
 * @param certFile  PEM client certificate chain for mutual TLS, or null
 * @param keyFile   PEM (PKCS#8) key of {@code certFile}
 * @param authority the name the workers' certificates carry when it differs from the endpoint host
 */
public record WorkerSecurity(String token, boolean tls, Path caFile, Path certFile, Path keyFile, String authority) {

    public static final WorkerSecurity NONE = new WorkerSecurity(null, false, null, null, null, null);

    public static final String TOKEN_FILE = "bridge.auth-token-file";
    public static final String TLS = "bridge.tls";
    public static final String TLS_CA = "bridge.tls.ca-file";
    public static final String TLS_CERT = "bridge.tls.cert-file";
    public static final String TLS_KEY = "bridge.tls.key-file";
    public static final String TLS_AUTHORITY = "bridge.tls.authority";
    /** The same variables the worker reads, so one secret serves both ends. */
    public static final String TOKEN_ENV = "VOXCPM_WORKER_TOKEN";
    public static final String TOKEN_FILE_ENV = "VOXCPM_WORKER_TOKEN_FILE";
    static final int MIN_TOKEN_CHARS = 16;

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    public WorkerSecurity {
        if (token != null && (token.length() < MIN_TOKEN_CHARS || !token.chars().allMatch(c -> c > ' ' && c < 127))) {
            throw new IllegalArgumentException("the worker token must be at least " + MIN_TOKEN_CHARS
                    + " printable ASCII characters without spaces (e.g. `openssl rand -hex 32`)");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(TLS_CERT + " and " + TLS_KEY + " go together");
        }
        if (!tls && (caFile != null || certFile != null || authority != null)) {
            throw new IllegalArgumentException(TLS_CA + ", " + TLS_CERT + " and " + TLS_AUTHORITY
                    + " need " + TLS + "=true");
        }
    }

    /**
     * Reads the keys above; the token from {@value #TOKEN_FILE}, else the file named by
     * {@value #TOKEN_FILE_ENV}, else {@value #TOKEN_ENV}.
     */
    public static WorkerSecurity fromProperties(Map<String, String> props, Function<String, String> env) {
        ConfigValues c = new ConfigValues(props);
        String tokenFile = c.string(TOKEN_FILE, blankToNull(env.apply(TOKEN_FILE_ENV)));
        String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the worker token file " + tokenFile + ": " + e, e);
            }
        } else {
            token = blankToNull(env.apply(TOKEN_ENV));
            token = token == null ? null : token.strip();
        }
        String tls = c.string(TLS, "false");
        if (!tls.equals("true") && !tls.equals("false")) {
            throw new IllegalArgumentException(TLS + " must be true or false, got " + tls);
        }
        return new WorkerSecurity(token, tls.equals("true"), path(c, TLS_CA), path(c, TLS_CERT), path(c, TLS_KEY),
                c.string(TLS_AUTHORITY, null));
    }

    private static Path path(ConfigValues c, String key) {
        String v = c.string(key, null);
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(key + ": cannot read " + v);
        }
        return p;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** TLS (with the client certificate, if any) or plaintext on the builder; built once per pool. */
    SslContext sslContext() {
        if (!tls) {
            return null;
        }
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
            if (certFile != null) {
                builder.keyManager(certFile.toFile(), keyFile.toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("worker TLS settings: " + e.getMessage(), e));
        }
    }

    NettyChannelBuilder apply(NettyChannelBuilder builder, SslContext ssl) {
        if (ssl == null) {
            return builder.usePlaintext();
        }
        builder.sslContext(ssl);
        return authority == null ? builder : builder.overrideAuthority(authority);
    }

    /** The channel the stubs use: the token added to every call when there is one. */
    Channel intercept(Channel channel) {
        if (token == null) {
            return channel;
        }
        String value = "Bearer " + token;
        return io.grpc.ClientInterceptors.intercept(channel, new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel next) {
                return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(AUTHORIZATION, value);
                        super.start(listener, headers);
                    }
                };
            }
        });
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "WorkerSecurity[token=" + (token == null ? "none" : "set") + ", tls=" + tls
                + (tls ? ", ca=" + caFile + ", clientCert=" + certFile + ", authority=" + authority : "") + "]";
    }
}
