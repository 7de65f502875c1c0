package io.voxcpm.ops;

import io.netty.handler.ssl.SslContext;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.mrcp.synth.SpeakObserver;
import io.voxcpm.ops.http.ManagementServer;
import io.voxcpm.net.PemTls;
import io.voxcpm.ops.http.Routes;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The operations side of a running server: metrics, synthesis detail records and the management HTTP
 * port with {@code /metrics} and {@code /health/*}, into whose {@link #routes()} other components (the
 * admin API) register theirs. Made before the server ({@link #prepare}) so that the server reports to it
 * from its first call, then {@link #start started} around it.
 */
public final class Operations implements AutoCloseable {

    private final ServerConfig config;
    private final Routes routes = new Routes();
    private final Metrics metrics = new Metrics();
    private final SynthesisRecords records;
    private ManagementServer http;
    private boolean closed;

    private Operations(ServerConfig config) {
        this.config = config;
        this.records = SynthesisRecords.open(config.records());
    }

    /** Metrics and records for {@code config}; nothing listens yet. */
    public static Operations prepare(ServerConfig config) {
        return new Operations(config);
    }

    /** {@link #prepare} and {@link #start} in one, for a server made without {@link #observers()}. */
    public static Operations start(ServerConfig config, VoxcpmMrcpServer server) throws IOException {
        Operations ops = prepare(config);
        ops.start(server);
        return ops;
    }

    /** What the server should report to: pass to {@link VoxcpmMrcpServer#listen(ServerConfig, VoxcpmMrcpServer.Observers)}. */
    public VoxcpmMrcpServer.Observers observers() {
        if (records == null) {
            return new VoxcpmMrcpServer.Observers(metrics, metrics, metrics);
        }
        SpeakObserver speaks = report -> {
            metrics.speakEnded(report);
            records.speakEnded(report);
        };
        SynthesisObserver syntheses = new SynthesisObserver() {
            @Override
            public void ended(String engine, String endpoint, SynthesisRequest request, boolean fromCache,
                              Outcome outcome, long firstChunkNanos, long elapsedNanos, double audioSeconds,
                              SynthesisException failure) {
                metrics.ended(engine, endpoint, request, fromCache, outcome, firstChunkNanos, elapsedNanos,
                        audioSeconds, failure);
                records.ended(engine, endpoint, request, fromCache, outcome, firstChunkNanos, elapsedNanos,
                        audioSeconds, failure);
            }
        };
        return new VoxcpmMrcpServer.Observers(metrics, speaks, syntheses);
    }

    /**
     * Binds the metrics to {@code server} (already listening, maybe still loading its engine) and opens the
     * management port of {@code config.http()}, unless {@code http.enabled} is false.
     *
     * @throws IOException the port cannot be opened or the TLS files cannot be used; the message says which
     */
    public void start(VoxcpmMrcpServer server) throws IOException {
        new Health(server).register(routes);
        metrics.bind(server);
        metrics.register(routes);
        HttpConfig cfg = config.http();
        if (!cfg.enabled()) {
            return;
        }
        SslContext tls = cfg.tls() ? PemTls.server(Path.of(cfg.tlsCert()), Path.of(cfg.tlsKey())) : null;
        String address = cfg.address() != null ? cfg.address() : config.sip().address();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("unknown http.address '" + address + "'", e);
        }
        http = ManagementServer.start(new InetSocketAddress(bind, cfg.port()), cfg.limits(), routes, tls);
    }

    /** The management port's route table; add routes at any time. */
    public Routes routes() {
        return routes;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The bound management port; -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Idempotent: the drain and the shutdown hook may both close. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.close();
        }
        if (records != null) {
            records.close();
        }
        metrics.close();
    }
}
