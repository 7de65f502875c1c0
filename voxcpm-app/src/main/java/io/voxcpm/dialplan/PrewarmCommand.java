package io.voxcpm.dialplan;

import io.voxcpm.cache.PromptCache;
import io.voxcpm.cli.EngineCacheOptions;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.cli.Speaker;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.synth.SpeakPreview;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code voxcpm-mrcp prewarm PATH...}: renders every prompt the dialplans speak into the prompt cache, each
 * with the headers its PBX will send and read as the synthesizer channel reads a SPEAK, so the first call
 * that speaks it is a cache hit.
 */
@Command(name = "prewarm", mixinStandardHelpOptions = true,
        description = {"Pre-render the prompts of FreeSWITCH dialplans (XML, Lua) and Asterisk extensions.conf "
                + "into the prompt cache, as the calls will ask for them.",
                "Lists each speak / MRCPSynth / SynthAndRecog found with file:line; texts built from variables are "
                        + "reported as skipped. Give the UniMRCP profiles (mrcp_profiles/*.xml) too: their "
                        + "<synthparams> are part of every request.",
                "Exit 0 when every prompt found rendered (skipped ones aside), 1 when any failed, 2 on bad usage."})
public final class PrewarmCommand implements Callable<Integer> {

    private static final int SHOWN_CHARS = 60;

    private final EngineProvider engines;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Dialplan files or directories (searched recursively).")
    List<Path> paths;

    @Option(names = "--list", description = "Only list what the dialplans speak; render nothing.")
    boolean listOnly;

    @Mixin
    EngineCacheOptions engine = new EngineCacheOptions();

    @Option(names = "--max-text-chars", paramLabel = "N", defaultValue = "20000",
            description = "The server's synth.max-text-chars (default ${DEFAULT-VALUE}).")
    int maxTextChars;

    public PrewarmCommand(EngineProvider engines) {
        this.engines = Objects.requireNonNull(engines, "engines");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Dialplans.Scan scan;
        try {
            scan = Dialplans.scan(paths);
        } catch (IOException e) {
            err.println("prewarm: " + e.getMessage());
            return 2;
        }
        List<DialplanSpeak> requests = scan.requests();
        requests.forEach(r -> out.println(describe(r)));
        scan.problems().forEach(p -> out.println(p));
        List<DialplanSpeak> todo = requests.stream().filter(r -> !r.isSkipped()).toList();
        long skipped = requests.size() - todo.size();
        if (listOnly || todo.isEmpty()) {
            out.printf("prewarm: %d found, %d to render, %d skipped%s%n", requests.size(), todo.size(), skipped,
                    scan.problems().isEmpty() ? "" : ", " + scan.problems().size() + " unreadable");
            out.flush();
            return scan.problems().isEmpty() ? 0 : 1;
        }
        out.flush();
        List<String> failures = new ArrayList<>();
        int alreadyCached = 0;
        double audioSeconds = 0;
        long start = System.nanoTime();
        PromptCache cache;
        try {
            cache = engine.openCache();
        } catch (IOException e) {
            err.println("prewarm: prompt cache " + engine.cacheDir() + ": " + e.getMessage());
            return 2;
        }
        // closing the speaker waits for the cache's last writes, so the summary counts every entry
        try (Speaker speaker = Speaker.open(engines, engine.engineOptions(), cache)) {
            for (int i = 0; i < todo.size(); i++) {
                DialplanSpeak r = todo.get(i);
                long misses = speaker.cache().stats().misses();
                String failure = null;
                try {
                    SpeakPreview.Request request = SpeakPreview.read(speak(r), maxTextChars);
                    short[] pcm = speaker.speak(request.defaults(), request.document());
                    audioSeconds += pcm.length / (double) speaker.sampleRate();
                    alreadyCached += speaker.cache().stats().misses() == misses ? 1 : 0;
                } catch (IllegalArgumentException | SynthesisException e) {
                    failure = e.getMessage();
                    failures.add(r.where() + ": " + failure);
                }
                err.printf("[%d/%d] %s %s%s%n", i + 1, todo.size(), failure == null ? "ok" : "FAILED", r.where(),
                        failure == null ? "" : ": " + failure);
                err.flush();
            }
        } catch (RuntimeException e) {
            err.println("prewarm: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        }
        out.printf("prewarm: %d found: %d rendered (%d already cached), %d failed, %d skipped%s; "
                        + "%.1f s of audio in %.1f s -> %s (%d entries)%n",
                requests.size(), todo.size() - failures.size(), alreadyCached, failures.size(), skipped,
                scan.problems().isEmpty() ? "" : ", " + scan.problems().size() + " unreadable",
                audioSeconds, (System.nanoTime() - start) / 1e9, engine.cacheDir(), cache.stats().entries());
        out.flush();
        failures.forEach(f -> err.println("prewarm: failed: " + f));
        err.flush();
        return failures.isEmpty() && scan.problems().isEmpty() ? 0 : 1;
    }

    /** The SPEAK the PBX sends for {@code r}. */
    static MrcpRequest speak(DialplanSpeak r) {
        MrcpHeaders.Builder headers = MrcpHeaders.builder();
        r.headers().forEach(headers::add);
        return MrcpRequest.withText("SPEAK", 1, headers.build(), r.body());
    }

    private static String describe(DialplanSpeak r) {
        if (r.isSkipped()) {
            return r.where() + ": " + r.call() + ": skipped: " + r.skipped();
        }
        StringBuilder d = new StringBuilder(r.where()).append(": ").append(r.call()).append(" [");
        r.headers().forEach((name, value) -> d.append(d.charAt(d.length() - 1) == '[' ? "" : ", ")
                .append(name).append(": ").append(value));
        String body = r.body().strip().replaceAll("\\s+", " ");
        return d.append("] \"").append(body.length() > SHOWN_CHARS ? body.substring(0, SHOWN_CHARS) + "..." : body)
                .append('"').toString();
    }
}
