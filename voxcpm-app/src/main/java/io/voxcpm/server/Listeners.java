package io.voxcpm.server;

import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.voxcpm.admin.StartupProblems;
import io.voxcpm.mrcp.message.MrcpDecoder;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpServer;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.rtp.CpuAffinity;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.server.VoxcpmMrcpServer.StartupException;
import io.voxcpm.sip.SipApplication;
import io.voxcpm.sip.SipConfig;
import io.voxcpm.sip.SipServer;
import io.voxcpm.sip.SipTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server opens before its engine: the MRCPv2 listeners (TCP, and TLS with {@code security.tls}), the
 * media clock and RTP ports, the synthesizer executors, and SIP last, answering through {@code gate} (503 until
 * the session layer is built). Closes in the reverse order, SIP first.
 */
final class Listeners implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final ServerConfig config;
    final MrcpChannelRegistry registry;
    final RtpPortAllocator ports;
    /** Opened so far, in order; closed last to first. */
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
    MrcpServer mrcp;
    /** MRCPv2 over TLS (security.tls), or null. */
    MrcpServer mrcpTls;
    MediaClock clock;
    RtpMedia media;
    EventExecutorGroup synthExecutors;
    SipServer sip;

    private Listeners(ServerConfig config, InetAddress bind) {
        this.config = config;
        this.registry = new MrcpChannelRegistry(config.mrcp().maxChannelsPerConnection());
        this.ports = new RtpPortAllocator(bind, config.rtp().portMin(), config.rtp().portMax());
    }

    /** Opens everything or, naming what failed, nothing. */
    static Listeners open(ServerConfig config, SipApplication gate, long startedNanos) throws StartupException {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.sip().address());
        } catch (UnknownHostException e) {
            throw new StartupException("unknown listen address '" + config.sip().address() + "'", e);
        }
        Listeners listeners = new Listeners(config, bind);
        try {
            listeners.open(bind, gate);
            log.info("voxcpm-mrcp listening after {} ms: SIP {}:{} (UDP+TCP), MRCPv2 TCP {}, RTP {}-{}; engine loading",
                    (System.nanoTime() - startedNanos) / 1_000_000, config.sip().address(), listeners.sip.udpPort(),
                    listeners.mrcp.port(), config.rtp().portMin(), config.rtp().portMax());
            return listeners;
        } catch (StartupException | RuntimeException e) {
            listeners.close();
            throw e;
        }
    }

    private void open(InetAddress bind, SipApplication gate) throws StartupException {
        SslContext tls = tls();
        mrcp = openMrcp(bind, config.mrcp().port(), null);
        if (tls != null) {
            mrcpTls = openMrcp(bind, config.security().tls().mrcpPort(), tls);
        }
        clock = new MediaClock();
        opened.add(clock);
        realtime(clock, config.rtp());
        media = new RtpMedia(clock, ports);
        EventExecutorGroup executors = new DefaultEventExecutorGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()), new DefaultThreadFactory("synth"));
        synthExecutors = executors;
        opened.add(() -> executors.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        try {
            sip = SipServer.start(sipConfig(), gate,
                    tls == null ? null : new SipTls(config.security().tls().sipPort(), tls));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting", e);
        } catch (Exception e) { // Netty's sync() rethrows the BindException of a UDP bind undeclared
            throw new StartupException(StartupProblems.bind(tls != null ? "SIP over UDP, TCP and TLS"
                    : "SIP over UDP and TCP", config.sip().address(), config.sip().port(), "sip.port / --sip-port", e),
                    e);
        }
        if (mrcpTls != null) {
            log.info("TLS: SIP {}:{}, MRCPv2 (TCP/TLS/MRCPv2) {}{}", config.sip().address(), sip.tlsPort(),
                    mrcpTls.port(), config.security().tls().clientCaFile() == null ? ""
                            : ", client certificates required");
        }
    }

    /**
     * The clock's loops in the real-time class (see {@code RealtimeScheduling}). Not permitted is normal for a
     * server not run as root, without CAP_SYS_NICE or an RLIMIT_RTPRIO: said once, at INFO when the file left
     * the priority to us and at WARN when the operator asked for it.
     */
    private void realtime(MediaClock clock, RtpConfig rtp) {
        int priority = rtp.realtimePriorityOrDefault();
        if (priority == 0) {
            log.info("Media clock: normal scheduling (rtp.realtime-priority: 0)");
            return;
        }
        String why = clock.raiseToRealtime(priority);
        Set<Integer> reserved = clock.reservedCpus();
        if (!reserved.isEmpty()) {
            for (MrcpServer server : mrcpTls == null ? List.of(mrcp) : List.of(mrcp, mrcpTls)) {
                server.runOnEachLoop(() -> CpuAffinity.keepCurrentThreadOff(reserved));
            }
        }
        if (why == null) {
            log.info("Media clock: real-time scheduling (SCHED_FIFO {}){}{}", priority,
                    reserved.isEmpty() ? "" : ", on core(s) " + reserved + " (the MRCP loops keep off them)",
                    clock.vmThreadPriority() > 0 ? "; the JVM's VM thread at " + clock.vmThreadPriority() : "");
        } else if (rtp.realtimePriority() == null) {
            log.info("Media clock: normal scheduling, real-time not permitted here ({}); give the server CAP_SYS_NICE"
                    + " or an RLIMIT_RTPRIO of {} for steadier packet timing under load", why, priority);
        } else {
            log.warn("Media clock: rtp.realtime-priority {} not applied ({}); pacing under the normal scheduler."
                    + " Give the server CAP_SYS_NICE or an RLIMIT_RTPRIO of {}, or set 0", priority, why, priority);
        }
    }

    private SslContext tls() throws StartupException {
        if (!config.security().tls().enabled()) {
            return null;
        }
        try {
            return config.security().tls().context();
        } catch (IOException e) {
            throw new StartupException("security.tls: " + e.getMessage(), e);
        }
    }

    /** One MRCPv2 listener; both (TCP and TLS) share the channel registry and every limit. */
    private MrcpServer openMrcp(InetAddress bind, int port, SslContext tls) throws StartupException {
        MrcpConfig c = config.mrcp();
        MrcpServer.Builder builder = MrcpServer.builder(registry)
                .bindAddress(new InetSocketAddress(bind, port))
                .inactivityTimeout(Duration.ofSeconds(c.inactivityTimeoutS()))
                .idleWithoutChannel(Duration.ofSeconds(c.idleWithoutChannelS()))
                .tcpLimits(c.tcpLimits())
                .decoderLimits(c.maxHeadBytes(), Math.min(MrcpDecoder.DEFAULT_MAX_LINE_BYTES, c.maxHeadBytes()),
                        MrcpDecoder.DEFAULT_MAX_HEADERS, c.maxBodyBytes());
        if (tls != null) {
            builder.tls(tls);
        }
        try {
            MrcpServer server = builder.start();
            opened.add(server);
            return server;
        } catch (IOException e) {
            throw new StartupException(tls == null
                    ? StartupProblems.bind("MRCPv2 over TCP", config.sip().address(), port, "mrcp.port / --mrcp-port", e)
                    : StartupProblems.bind("MRCPv2 over TLS", config.sip().address(), port, "security.tls.mrcp-port", e),
                    e);
        }
    }

    /** The SIP layer's settings: the sip section, MRCP's message timeout and backlog, and the limits section. */
    private SipConfig sipConfig() {
        SipEndpointConfig s = config.sip();
        return SipConfig.defaults()
                .withBindAddress(s.address())
                .withPort(s.port())
                .withExternalAddress(s.advertisedAddress())
                .withT1(Duration.ofMillis(s.t1Ms()))
                .withTcp(new TcpLimits(s.tcpMaxConnections(), s.tcpMaxConnectionsPerAddress(),
                        config.mrcp().tcpLimits().messageTimeout(), config.mrcp().maxWriteBacklogBytes()),
                        Duration.ofSeconds(s.tcpIdleTimeoutS()))
                .withSourceLimits(config.limits().sip());
    }

    /** Closes {@code part} with the listeners (before the executors, the media clock and MRCP). */
    void onClose(AutoCloseable part) {
        opened.add(part);
    }

    /** Session tasks waiting on the synthesizer executors (all sessions' requests and engine callbacks). */
    int pendingSessionTasks() {
        int n = 0;
        for (EventExecutor e : synthExecutors) {
            if (e instanceof SingleThreadEventExecutor s) {
                n += s.pendingTasks();
            }
        }
        return n;
    }

    @Override
    public void close() {
        close(null);
    }

    /**
     * SIP first, so every dialog ends (and releases its session); then {@code sessions} (null: none yet); then
     * the executors, the media clock and the MRCP listeners, last opened first.
     */
    void close(AutoCloseable sessions) {
        if (sip != null) {
            VoxcpmMrcpServer.closeQuietly(sip);
        }
        if (sessions != null) {
            VoxcpmMrcpServer.closeQuietly(sessions);
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            VoxcpmMrcpServer.closeQuietly(opened.get(i));
        }
    }
}
