package io.voxcpm.bench.load;

import com.sun.management.UnixOperatingSystemMXBean;
import io.voxcpm.bench.load.LoadClient.Start;
import io.voxcpm.bench.load.SipText.Codec;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./voxcpm-mrcp bench load ...}: many PBXs against any MRCPv2 server on loopback (ours or
 * UniMRCP's), every figure taken from a packet capture. See docs/performance.md.
 */
@Command(name = "bench load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load an MRCPv2 server on loopback with N synthesizer sessions and measure it from a capture.")
public final class LoadBench implements Callable<Integer> {

    static final int MAX_SESSIONS = 5000;

    @Option(names = "--sip", paramLabel = "HOST:PORT", description = "the server's SIP address (UDP; loopback only). Default ${DEFAULT-VALUE}")
    String sip = "127.0.0.1:8060";

    @Option(names = {"-n", "--sessions"}, paramLabel = "N", description = "sessions, at most 5000. Default ${DEFAULT-VALUE}")
    int sessions = 100;

    @Option(names = "--channels-per-connection", paramLabel = "K",
            description = "synthesizer channels sharing one MRCP connection (a=connection:existing). Default ${DEFAULT-VALUE}")
    int channelsPerConnection = 1;

    @Option(names = "--codec", paramLabel = "CODEC", description = "PCMU, PCMA, L16/8000 or L16/16000. Default ${DEFAULT-VALUE}")
    String codec = "PCMU";

    @Option(names = "--ptime", paramLabel = "MS", description = "a=ptime in the offer. Default ${DEFAULT-VALUE}")
    int ptime = 20;

    @Option(names = "--start", paramLabel = "MODE",
            description = "all: set every session up, then all SPEAKs at once; spread: SPEAKs spread over --spread-ms; "
                    + "ramp: each session SPEAKs as soon as it is set up (--setup-rate a second). Default ${DEFAULT-VALUE}")
    String start = "all";

    @Option(names = "--setup-rate", paramLabel = "PER_S", description = "new sessions (INVITEs) a second. Default ${DEFAULT-VALUE}")
    double setupRate = 200;

    @Option(names = "--spread-ms", paramLabel = "MS", description = "window for --start spread. Default ${DEFAULT-VALUE}")
    double spreadMs = 1000;

    @Option(names = "--text", description = "what every session SPEAKs (text/plain). Default: ${DEFAULT-VALUE}")
    String text = "Thank you for calling. Please hold.";

    @Option(names = "--unique-text", description = "give each session's text its own tag (\"Ticket RUN-I: \" before --text), so "
            + "every SPEAK, warm-up included, is a prompt-cache miss the engine must synthesize (a streaming engine's first packet)")
    boolean uniqueText;

    @Option(names = "--engine-ports", paramLabel = "MIN[-MAX]", description = "also capture the server's gRPC traffic to its "
            + "model workers on these loopback TCP ports and report when each session's first chunk reached the server "
            + "(needs --unique-text)")
    String enginePorts;

    @Option(names = "--warmup", paramLabel = "N", description = "sessions of an unmeasured warm-up run first (at least 1: it "
            + "also learns the MRCP port). Default ${DEFAULT-VALUE}")
    int warmup = 20;

    @Option(names = "--timeout-s", paramLabel = "S", description = "give up on the run after this long (at most 600). Default ${DEFAULT-VALUE}")
    int timeoutS = 120;

    @Option(names = "--rtp-base", paramLabel = "PORT", description = "first client RTP port (N + warm-up consecutive ports; the default sits above Linux's "
            + "ephemeral range 32768-60999, where tests and clients bind). Default ${DEFAULT-VALUE}")
    int rtpBase = 61000;

    @Option(names = "--server-pid", paramLabel = "PID", description = "server process for CPU/RSS/threads (default: whoever owns the SIP UDP port)")
    Integer serverPid;

    @Option(names = "--gc-log", paramLabel = "FILE", description = "the server's -Xlog file; pauses logged during the run are reported")
    Path gcLog;

    @Option(names = "--label", description = "name of this run in the table. Default ${DEFAULT-VALUE}")
    String label = "server";

    @Option(names = "--json", paramLabel = "FILE", description = "write the figures as JSON here")
    Path json;

    @Option(names = "--capture-dir", paramLabel = "DIR", description = "where the pcaps go. Default ${DEFAULT-VALUE}")
    Path captureDir = Path.of("/tmp/voxcpm-loadbench");

    @Option(names = "--keep-pcaps", description = "keep the capture files (deleted by default)")
    boolean keepPcaps;

    @Option(names = "--retry-503", description = "on 503, INVITE again after Retry-After (measures start-up readiness)")
    boolean retry503;

    /** Warm-up and measured run get different tags ({@code kind}), so the warm-up never fills the run's cache entries. */
    SpeakTexts texts(String kind) {
        return uniqueText ? SpeakTexts.unique(text, SpeakTexts.runTagNow(kind)) : SpeakTexts.same(text);
    }

    /** {@code MIN-MAX} or one port. */
    static int[] portRange(String spec) {
        String[] p = spec.split("-", 2);
        int min = Integer.parseInt(p[0].trim());
        int max = p.length == 2 ? Integer.parseInt(p[1].trim()) : min;
        if (min < 1 || max > 65535 || max < min) {
            throw new IllegalArgumentException("port range: '" + spec + "'");
        }
        return new int[] {min, max};
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String[] hp = sip.split(":");
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]));
        if (!server.getAddress().isLoopbackAddress()) {
            System.err.println("bench load: traffic goes to loopback only; " + sip + " is not");
            return 2;
        }
        if (sessions < 1 || sessions > MAX_SESSIONS || timeoutS < 1 || timeoutS > 600 || warmup < 0
                || warmup > MAX_SESSIONS || channelsPerConnection < 1 || setupRate <= 0) {
            System.err.println("bench load: sessions 1.." + MAX_SESSIONS + ", timeout 1..600 s, warmup 0.."
                    + MAX_SESSIONS + ", channels-per-connection >= 1, setup-rate > 0");
            return 2;
        }
        if (rtpBase + sessions + Math.max(1, warmup) > 65535 || rtpBase < 1024) {
            System.err.println("bench load: --rtp-base leaves no room for " + sessions + " ports");
            return 2;
        }
        long fds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        long needed = 2L * sessions + Math.max(1, warmup) + 64;
        if (fds < needed) {
            System.err.printf("bench load: %d sessions need about %d file descriptors, ulimit -n is %d (raise it: ulimit -n 65536)%n",
                    sessions, needed, fds);
            return 2;
        }
        int[] engine = enginePorts == null ? null : portRange(enginePorts);
        if (engine != null && !uniqueText) {
            System.err.println("bench load: --engine-ports matches engine calls to sessions by their text: add --unique-text");
            return 2;
        }
        Codec c = Codec.parse(codec);
        Start mode = Start.valueOf(start.toUpperCase(Locale.ROOT));

        LoadClient.Outcome probe = new LoadClient(new LoadClient.Options(server, Math.max(1, warmup), channelsPerConnection,
                c, ptime, Start.ALL, setupRate, 0, texts("w"), 60_000, rtpBase + sessions, true)).run();
        if (probe.mrcpPort <= 0) {
            System.err.println("bench load: the warm-up got no MRCP channel from " + sip + ": finals " + probe.inviteFinals
                    + " " + probe.problems);
            return 1;
        }
        int pid = serverPid != null ? serverPid : ProcSampler.pidListeningOnUdp(server.getPort());
        Files.createDirectories(captureDir);
        String stamp = Long.toString(System.currentTimeMillis());
        Path controlPcap = captureDir.resolve("control-" + stamp + ".pcap");
        Path rtpPcap = captureDir.resolve("rtp-" + stamp + ".pcap");
        Path enginePcap = captureDir.resolve("engine-" + stamp + ".pcap");
        int rtpMax = rtpBase + sessions - 1;
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("label", label);
        run.put("when", Instant.now().toString());
        run.put("sip", sip);
        run.put("mrcp_port", probe.mrcpPort);
        run.put("sessions", sessions);
        run.put("codec", c.toString());
        run.put("ptime_ms", ptime);
        run.put("start", mode.name().toLowerCase(Locale.ROOT));
        run.put("setup_rate_per_s", setupRate);
        run.put("channels_per_connection", channelsPerConnection);
        run.put("warmup_sessions", Math.max(1, warmup));
        SpeakTexts measured = texts("r");
        run.put("text", measured.distinct() ? measured.of(0) + " (one tag per session)" : text);

        LoadClient.Outcome outcome;
        ProcSampler.Usage usage = null;
        long drops1;
        long drops2;
        GcLog gc = gcLog == null ? null : new GcLog(gcLog);
        // signalling cut at 8 KiB a packet: a whole SIP message with its SDP, or several MRCP messages in one
        // segment; a cut segment is counted (truncated_control). Not immediate mode: libpcap then falls back
        // to fixed snaplen-sized ring slots, and a 64 KiB snap length left room for only 1,000 packets
        try (Capture control = Capture.start(controlPcap, 8192,
                "udp port " + server.getPort() + " or tcp port " + probe.mrcpPort, false);
             Capture rtp = Capture.start(rtpPcap, Capture.RTP_SNAPLEN,
                     "udp and dst host 127.0.0.1 and dst portrange " + rtpBase + "-" + rtpMax, false);
             // whole packets: the frames of an HTTP/2 stream cannot be followed past a cut
             Capture engineCapture = engine == null ? null
                     : Capture.start(enginePcap, 262_144, "tcp portrange " + engine[0] + "-" + engine[1], false);
             ProcSampler proc = pid > 0 ? new ProcSampler(pid) : null) {
            outcome = new LoadClient(new LoadClient.Options(server, sessions, channelsPerConnection, c, ptime, mode,
                    setupRate, spreadMs, measured, timeoutS * 1000L, rtpBase, retry503)).run();
            if (proc != null) {
                usage = proc.usage();
            }
            Thread.sleep(Capture.STOP_GRACE_MS); // every packet captured is handed to tcpdump before it stops
            drops1 = control.stop();
            drops2 = rtp.stop();
            if (engineCapture != null) {
                engineCapture.stop();
            }
        }
        WireAnalysis wire = new WireAnalysis(server.getPort(), probe.mrcpPort, rtpBase, rtpMax);
        wire.readControl(controlPcap);
        wire.readRtp(rtpPcap);
        Stats jitter = new Stats();
        List<WireAnalysis.Call> calls = wire.calls(c.clockRate, jitter);
        Report report = new Report(run, calls, jitter);
        report.put("invite_final_responses_on_wire", wire.finals);
        if (engine != null) {
            EngineWire engineWire = new EngineWire(engine[0], engine[1], measured);
            engineWire.read(enginePcap);
            report.put("engine", engineWire.figures(calls, rtpBase));
        }
        if (usage != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("pid", pid);
            s.put("cpu_percent_of_one_core", Report.round(usage.cpuPercent()));
            s.put("seconds", Report.round(usage.seconds()));
            s.put("rss_start_mb", Report.round(usage.rssStartKb() / 1024.0));
            s.put("rss_peak_mb", Report.round(usage.rssPeakKb() / 1024.0));
            s.put("rss_end_mb", Report.round(usage.rssEndKb() / 1024.0));
            s.put("rss_growth_per_session_kb", Report.round((usage.rssPeakKb() - usage.rssStartKb()) / (double) sessions));
            s.put("pss_start_mb", Report.round(usage.pssStartKb() / 1024.0));
            s.put("pss_peak_mb", Report.round(usage.pssPeak().totalKb() / 1024.0));
            s.put("pss_end_mb", Report.round(usage.pssEndKb() / 1024.0));
            s.put("pss_growth_per_session_kb", Report.round((usage.pssPeak().totalKb() - usage.pssStartKb()) / (double) sessions));
            s.put("pss_anon_start_mb", Report.round(usage.pssStart().anonKb() / 1024.0));
            s.put("pss_anon_peak_mb", Report.round(usage.pssPeak().anonKb() / 1024.0));
            s.put("pss_shmem_start_mb", Report.round(usage.pssStart().shmemKb() / 1024.0));
            s.put("pss_shmem_peak_mb", Report.round(usage.pssPeak().shmemKb() / 1024.0));
            s.put("threads_peak", usage.threadsPeak());
            report.put("server", s);
        }
        if (gc != null) {
            GcLog.Pauses p = gc.sinceStart();
            report.put("gc_pauses_ms", Report.dist(p.gc()));
            report.put("gc_pause_total_ms", Report.round(p.gc().count() == 0 ? 0 : p.gc().mean() * p.gc().count()));
            report.put("safepoint_stops_ms", Report.dist(p.safepoints()));
            report.put("allocation_stalls_ms", Report.dist(p.stalls()));
        }
        Map<String, Object> cap = new LinkedHashMap<>();
        cap.put("control_packets", wire.health.controlPackets);
        cap.put("rtp_packets", wire.health.rtpPackets);
        cap.put("kernel_drops_control", drops1);
        cap.put("kernel_drops_rtp", drops2);
        cap.put("tcp_gaps", wire.health.tcpGaps);
        cap.put("truncated_control", wire.health.truncatedControl);
        cap.put("mrcp_framing_errors", wire.health.framingErrors);
        report.put("capture", cap);
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("established", outcome.established);
        client.put("speak_complete", outcome.completed);
        client.put("speak_failed", outcome.speakFailed);
        client.put("timed_out", outcome.timedOut);
        client.put("invite_finals", outcome.inviteFinals);
        client.put("problems", outcome.problems);
        report.put("client", client);

        report.print(System.out, label, sessions, c.toString(), usage);
        if (usage != null) {
            System.out.printf(Locale.ROOT, "server pid %d: CPU %.1f%% of one core over %.1f s, RSS %d -> peak %d MB "
                            + "(%.1f KB/session), PSS %d -> peak %d (%.1f KB/session; anon %d -> %d, shmem %d -> %d)"
                            + " -> %d MB at the end, threads peak %d%n", pid,
                    usage.cpuPercent(), usage.seconds(), usage.rssStartKb() / 1024, usage.rssPeakKb() / 1024,
                    (usage.rssPeakKb() - usage.rssStartKb()) / (double) sessions, usage.pssStartKb() / 1024,
                    usage.pssPeak().totalKb() / 1024, (usage.pssPeak().totalKb() - usage.pssStartKb()) / (double) sessions,
                    usage.pssStart().anonKb() / 1024, usage.pssPeak().anonKb() / 1024,
                    usage.pssStart().shmemKb() / 1024, usage.pssPeak().shmemKb() / 1024,
                    usage.pssEndKb() / 1024, usage.threadsPeak());
        }
        if (gc != null) {
            System.out.println("GC pauses: " + report.json.get("gc_pauses_ms") + "; safepoints: "
                    + report.json.get("safepoint_stops_ms") + "; allocation stalls: "
                    + report.json.get("allocation_stalls_ms"));
        }
        System.out.printf("capture: %d control + %d RTP packets, kernel drops %d/%d, TCP gaps %d; client: %s%s%n",
                wire.health.controlPackets, wire.health.rtpPackets, drops1, drops2, wire.health.tcpGaps,
                outcome.inviteFinals, outcome.timedOut ? " TIMED OUT" : "");
        if (engine != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) report.json.get("engine");
            System.out.println("engine (gRPC capture): SPEAK -> engine request " + e.get("speak_to_engine_request_ms")
                    + "; SPEAK -> first chunk " + e.get("speak_to_first_chunk_ms") + "; first chunk -> first RTP "
                    + e.get("first_chunk_to_first_rtp_ms") + "; SPEAKs without a first chunk seen "
                    + e.get("speaks_without_a_first_chunk_seen"));
        }
        if (!outcome.problems.isEmpty()) {
            System.out.println("client problems: " + outcome.problems);
        }
        if (json != null) {
            report.writeJson(json);
        }
        if (!keepPcaps) {
            Files.deleteIfExists(controlPcap);
            Files.deleteIfExists(rtpPcap);
            Files.deleteIfExists(enginePcap);
        }
        return 0;
    }
}
