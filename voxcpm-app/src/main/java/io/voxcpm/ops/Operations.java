package io.voxcpm.ops;

import io.netty.handler.ssl.SslContext;
import io.voxcpm.ops.http.ManagementServer;
import io.voxcpm.ops.http.PemTls;
import io.voxcpm.ops.http.Routes;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The operations side of a running server: the management HTTP port with health (and metrics), into
 * whose {@link #routes()} other components (the admin API) register theirs.
 */
public final class Operations implements AutoCloseable {

    private final Routes routes;
    private final ManagementServer http;

    private Operations(Routes routes, ManagementServer http) {
        this.routes = routes;
        this.http = http;
    }

    /**
     * Opens the management port of {@code config.http()} around {@code server} (already listening, maybe still
     * loading its engine). Returns an instance without a port when {@code http.enabled} is false.
     *
     * @throws IOException the port cannot be opened or the TLS files cannot be used; the message says which
     */
    public static Operations start(ServerConfig config, VoxcpmMrcpServer server) throws IOException {
        Routes routes = new Routes();
        new Health(server).register(routes);
        OpsConfig.Http cfg = config.http();
        if (!cfg.enabled()) {
            return new Operations(routes, null);
        }
        SslContext tls = cfg.tls() ? PemTls.server(Path.of(cfg.tlsCert()), Path.of(cfg.tlsKey())) : null;
        String address = cfg.address() != null ? cfg.address() : config.sip().address();
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("unknown http.address '" + address + "'", e);
        }
        return new Operations(routes, ManagementServer.start(new InetSocketAddress(bind, cfg.port()), cfg.limits(),
                routes, tls));
    }

    /** The management port's route table; add routes at any time. */
    public Routes routes() {
        return routes;
    }

    /** The bound management port; -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
