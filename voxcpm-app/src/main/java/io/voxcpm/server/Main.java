package io.voxcpm.server;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import io.voxcpm.cli.PromptsCommand;
import io.voxcpm.admin.AdminApi;
import io.voxcpm.admin.ConfigCommand;
import io.voxcpm.cli.RenderCommand;
import io.voxcpm.cli.SayCommand;
import io.voxcpm.cli.VoicesCommand;
import io.voxcpm.dialplan.PrewarmCommand;
import io.voxcpm.ops.Drain;
import io.voxcpm.ops.Operations;
import io.voxcpm.ops.Signals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code voxcpm-mrcp} command line. With no subcommand it serves. */
@Command(name = "voxcpm-mrcp", mixinStandardHelpOptions = true, version = "voxcpm-mrcp 0.1.0",
        description = "MRCPv2 speech-synthesis server for Asterisk and FreeSWITCH (UniMRCP clients).",
        subcommands = {Main.Serve.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    static {
        // picocli looks for Groovy closures in annotations; MaryTTS puts Groovy on the class path, so that check
        // initialised Groovy's whole metaclass registry (~0.8 s, 2,000 classes) before the server could listen
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }

    public static void main(String[] args) {
        String[] effective = effectiveArgs(args);
        if (!"serve".equals(effective[0]) && System.getenv("VOXCPM_LOG_LEVEL") == null) {
            // a tool's output is its own messages; engine start-up chatter belongs to the server's log
            System.setProperty("VOXCPM_LOG_LEVEL", "WARN");
        }
        System.exit(commandLine().execute(effective));
    }

    /** The whole command tree; tests drive it the way the launcher does. */
    static CommandLine commandLine() {
        // opened on first use, so --help and voices commands never create a registry as a side effect
        Supplier<RegisteredVoices> voices = Suppliers.memoize(() -> {
            String dir = System.getenv("VOXCPM_VOICES_DIR");
            try {
                return RegisteredVoices.open(Path.of(dir == null || dir.isBlank() ? "data/voices" : dir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the voice registry: " + e.getMessage(), e);
            }
        });
        CliEngines engines = new CliEngines(voices);
        return new CommandLine(new Main())
                .addSubcommand(new VoicesCommand(engines))
                .addSubcommand(new SayCommand(engines))
                .addSubcommand(new RenderCommand(engines))
                .addSubcommand(new PrewarmCommand(engines))
                .addSubcommand(new PromptsCommand())
                .addSubcommand(new ConfigCommand());
    }

    static String[] effectiveArgs(String[] args) {
        return args.length == 0 || args[0].startsWith("-") && !isTopLevelOption(args[0])
                ? prepend("serve", args) : args;
    }

    private static boolean isTopLevelOption(String arg) {
        return List.of("-h", "--help", "-V", "--version").contains(arg);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Override
    public Integer call() {
        return new CommandLine(new Serve()).execute();
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server (the default). SIP on UDP+TCP 8060, MRCPv2 on TCP 1544, RTP 5000-6000.")
    static final class Serve implements Callable<Integer> {

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (see README).")
        Path config;

        @Option(names = "--address", paramLabel = "IP", description = "Local address to listen on (default 0.0.0.0).")
        String address;

        @Option(names = "--advertised-address", paramLabel = "IP",
                description = "Address put in SDP answers and Contact headers (default: the address a request came in on).")
        String advertisedAddress;

        @Option(names = "--sip-port", paramLabel = "PORT", description = "SIP port, UDP and TCP (default 8060).")
        Integer sipPort;

        @Option(names = "--mrcp-port", paramLabel = "PORT", description = "MRCPv2 TCP port (default 1544).")
        Integer mrcpPort;

        @Option(names = "--http-port", paramLabel = "PORT",
                description = "Management HTTP port: /metrics, /health/live, /health/ready, /admin/v1 (default 8090).")
        Integer httpPort;

        @Option(names = "--rtp-ports", paramLabel = "MIN-MAX", description = "RTP port range (default 5000-6000).")
        String rtpPorts;

        @Option(names = "--engine", paramLabel = "KIND",
                description = "embedded (MaryTTS voice, no model), worker (VoxCPM2 workers) or vllm.")
        String engine;

        @Option(names = "--workers", paramLabel = "HOST:PORT[,...]", split = ",",
                description = "VoxCPM2 worker endpoints (with --engine worker).")
        List<String> workers;

        @Option(names = "--vllm-url", paramLabel = "URL", description = "vLLM-Omni base URL (with --engine vllm).")
        String vllmUrl;

        @Option(names = "--fallback", paramLabel = "KIND[,KIND...]", split = ",",
                description = "Engines to speak with, in order, when the ones before are down or saturated "
                        + "(repeatable), e.g. --engine worker --fallback embedded.")
        List<String> fallback;

        @Option(names = "--fallback-voices", paramLabel = "any|default-only",
                description = "Whether a fallback may speak a cloned or designed voice's SPEAK in its own voice "
                        + "(any, the default) or must fail it (default-only).")
        String fallbackVoices;

        /** The launcher's class-data training run: everything up to listening, then a clean exit (and the dump). */
        @Option(names = "--exit-when-listening", hidden = true)
        boolean exitWhenListening;

        @Override
        public Integer call() throws Exception {
            ServerConfig cfg;
            try {
                cfg = effectiveConfig();
            } catch (ServerConfig.ConfigException e) {
                System.err.println("voxcpm-mrcp: " + e.getMessage());
                return 2;
            }
            Optional<AdminApi> admin; // before listening: a bad token file stops the start here
            try {
                admin = AdminApi.configure(cfg, System.getenv());
            } catch (IllegalArgumentException e) {
                System.err.println("voxcpm-mrcp: cannot start: " + e.getMessage());
                return 2;
            }
            VoxcpmMrcpServer server;
            Operations ops = Operations.prepare(cfg);
            try {
                // listening first: INVITEs get 503 + Retry-After while the engine loads
                server = VoxcpmMrcpServer.listen(cfg, ops.observers());
                if (!exitWhenListening) {
                    server.startWarmUp(WarmUp.configuredRounds()); // synthetic calls on private ports until the first call
                }
            } catch (VoxcpmMrcpServer.StartupException e) {
                System.err.println("voxcpm-mrcp: cannot start: " + e.getMessage());
                ops.close();
                return 1;
            }
            try {
                ops.start(server);
            } catch (IOException e) {
                System.err.println("voxcpm-mrcp: cannot start: " + e.getMessage());
                server.close();
                ops.close();
                return 1;
            }
            admin.ifPresent(a -> a.register(ops.routes(), server));
            if (exitWhenListening) {
                server.close();
                ops.close();
                return 0;
            }
            server.ready().exceptionally(e -> {
                System.err.println("voxcpm-mrcp: cannot start: " + e.getMessage());
                server.close();
                ops.close();
                System.exit(1);
                return null;
            });
            CountDownLatch stopped = new CountDownLatch(1);
            // SIGTERM drains (readiness off, INVITEs 503, SPEAKs finish, BYE), then exits 0; a second stops now
            Signals.onTerm(() -> {
                try {
                    new Drain(server, cfg.drain()).run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stopped.countDown();
                }
            });
            // any other exit (SIGINT, System.exit) closes without draining
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                ops.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            server.close();
            ops.close();
            return 0;
        }

        ServerConfig effectiveConfig() throws ServerConfig.ConfigException {
            ServerConfig cfg = config == null ? ServerConfig.DEFAULTS : ServerConfig.load(config);
            // each option replaces one key and keeps the rest of its section as the file set it
            SipEndpointConfig sip = cfg.sip();
            if (address != null) {
                sip = sip.withAddress(address);
            }
            if (sipPort != null) {
                sip = sip.withPort(sipPort);
            }
            if (advertisedAddress != null) {
                sip = sip.withAdvertisedAddress(advertisedAddress);
            }
            cfg = cfg.withSip(sip);
            if (httpPort != null) {
                cfg = cfg.withHttp(cfg.http().withPort(httpPort));
            }
            if (mrcpPort != null) {
                cfg = cfg.withMrcp(cfg.mrcp().withPort(mrcpPort));
            }
            if (rtpPorts != null) {
                String[] range = rtpPorts.split("-");
                try {
                    if (range.length != 2) {
                        throw new NumberFormatException();
                    }
                    cfg = cfg.withRtp(cfg.rtp().withPorts(Integer.parseInt(range[0].trim()),
                            Integer.parseInt(range[1].trim())));
                } catch (NumberFormatException e) {
                    throw new ServerConfig.ConfigException("--rtp-ports must look like 5000-6000, got '" + rtpPorts + "'");
                }
            }
            EngineConfig e = cfg.engine();
            e = engine != null ? e.withKind(engine) : e;
            e = workers != null ? e.withWorkers(workers) : e;
            e = vllmUrl != null ? e.withVllmUrl(vllmUrl) : e;
            e = e.withFallback(fallback != null ? fallback : e.fallback(),
                    fallbackVoices != null ? fallbackVoices : e.fallbackVoices());
            cfg = cfg.withEngine(e);
            return cfg.validated();
        }
    }
}
