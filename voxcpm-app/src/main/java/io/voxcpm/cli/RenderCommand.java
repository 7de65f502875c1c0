package io.voxcpm.cli;

import io.voxcpm.cache.CacheStats;
import io.voxcpm.cli.PromptList.Prompt;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.voice.WavFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code voxcpm-mrcp render}: pre-renders prompts into telephony files, {@code OUT/<format>/<name>.wav},
 * so a dialplan plays them with {@code Playback(OUT/pcm8k/welcome)} or FreeSWITCH {@code playback}.
 * Prompts render one after another; a failing prompt is reported and the rest go on.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Pre-render one text or a prompt list into telephony WAV files, OUT/<format>/<name>.wav.",
                "A list is a text file (one prompt per line), CSV (header: name,text,voice[,language]) "
                        + "or YAML (a list of mappings with those keys).",
                "Exit 0 when every prompt rendered, 1 when any failed (each is named), 2 on bad usage."})
public final class RenderCommand implements Callable<Integer> {

    private static final int BAR_WIDTH = 30;

    private final EngineProvider engines;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--text", paramLabel = "TEXT", description = "One text to render.")
        String text;

        @Option(names = "--list", paramLabel = "FILE", description = "A prompt list: .txt, .csv or .yaml.")
        Path list;
    }

    @Option(names = "--name", paramLabel = "NAME", description = "File name for --text (default: a slug of the text).")
    String name;

    @Option(names = "--formats", paramLabel = "LIST", split = ",", defaultValue = "ulaw8k,alaw8k,pcm8k,pcm16k,native",
            description = "Formats to write: ulaw8k, alaw8k, pcm8k, pcm16k, native, g722 (raw .g722 files; default ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "prompts", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "bar, lines or auto (a bar when there is a terminal; default ${DEFAULT-VALUE}).")
    String progress;

    @Mixin
    SpeechOptions speech = new SpeechOptions();

    /** With the embedded engine. */
    public RenderCommand() {
        this(EngineProvider.embedded());
    }

    public RenderCommand(EngineProvider engines) {
        this.engines = Objects.requireNonNull(engines, "engines");
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Set<OutputFormat> targets = new LinkedHashSet<>();
        List<Prompt> prompts;
        try {
            formats.forEach(f -> targets.add(OutputFormat.parse(f)));
            prompts = prompts();
            for (OutputFormat f : targets) {
                Files.createDirectories(out.resolve(f.id()));
            }
        } catch (IllegalArgumentException | IOException e) {
            err.println("render: " + e.getMessage());
            return 2;
        }
        if (prompts.isEmpty()) {
            err.println("render: no prompts in " + source.list);
            return 2;
        }
        boolean bar = progress.equals("bar") || progress.equals("auto") && System.console() != null;
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        double audioSeconds = 0;
        CacheStats cacheStats = null;
        try (Speaker speaker = Speaker.open(engines, speech)) {
            for (int i = 0; i < prompts.size(); i++) {
                Prompt p = prompts.get(i);
                String failure = null;
                try {
                    if (p.problem() != null) {
                        failure = p.problem();
                    } else {
                        short[] pcm = speaker.speak(p.text(), p.voice() != null ? p.voice() : speech.voice,
                                p.language() != null ? p.language() : speech.language);
                        for (OutputFormat f : targets) {
                            WavFile.write(out.resolve(f.id()).resolve(p.name() + "." + f.extension()), f.file(pcm, speaker.sampleRate()));
                        }
                        audioSeconds += pcm.length / (double) speaker.sampleRate();
                    }
                } catch (SynthesisException e) {
                    failure = e.getMessage();
                } catch (IOException e) {
                    failure = "cannot write: " + e.getMessage();
                }
                String where = source.list == null ? p.name() : "line " + p.line() + " (name=" + p.name() + ")";
                if (failure != null) {
                    failures.add(where + ": " + failure);
                }
                report(err, bar, i + 1, prompts.size(), where, failure);
            }
            if (speaker.cache() != null) {
                cacheStats = speaker.cache().stats();
            }
        } catch (IOException | RuntimeException e) {
            err.println((bar ? "\n" : "") + "render: " + e.getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("render: %d ok, %d failed; %.1f s of audio in %.1f s -> %s%s%n",
                prompts.size() - failures.size(), failures.size(), audioSeconds, seconds, out,
                cacheStats == null ? "" : String.format("; cache %d hits, %d misses", cacheStats.hits(),
                        cacheStats.misses()));
        stdout.flush();
        failures.forEach(f -> err.println("render: failed: " + f));
        err.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private List<Prompt> prompts() throws IOException {
        if (source.list != null) {
            return PromptList.read(source.list);
        }
        String fileName = PromptList.slug(name != null ? name : source.text);
        return List.of(new Prompt(1, fileName.isEmpty() ? "prompt" : fileName, source.text, null, null, null));
    }

    private static void report(PrintWriter err, boolean bar, int done, int total, String where, String failure) {
        if (bar) {
            int filled = done * BAR_WIDTH / total;
            err.printf("\r[%s%s] %d/%d %s\033[K", "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), done, total,
                    failure == null ? "" : "(" + where + " failed)");
            if (done == total) {
                err.println();
            }
        } else {
            err.printf("[%d/%d] %s %s%s%n", done, total, failure == null ? "ok" : "FAILED", where,
                    failure == null ? "" : ": " + failure);
        }
        err.flush();
    }
}
