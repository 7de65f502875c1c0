package io.voxcpm.cli;

import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.voice.Anchor;
import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.GenerationDefaults;
import io.voxcpm.voice.InvalidRecordingException;
import io.voxcpm.voice.InvalidVoiceException;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceNames;
import io.voxcpm.voice.VoiceRules;

import io.voxcpm.voice.WavFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Register a voice, or a new version of it.",
                "  voices add NAME --design \"A warm, mature male voice\" [--cfg 2.0 --timesteps 10 --seed 42 --language en-US]",
                "  voices add NAME --design \"...\" --engine worker [--workers host:port,...] [--seeds 3] [--accept N]",
                "      renders the description with the model, writes the candidates as WAV files to listen to, and",
                "      stores the accepted one as the voice's anchor: every prompt then continues it (one speaker).",
                "  voices add NAME --recording file.wav [--transcript \"exact words\" | --style \"cheerful\"] --consent \"Jane Doe, signed release 2026-11-01\""})
final class VoicesAdd implements Callable<Integer> {

    @ParentCommand
    VoicesCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Voice name as dialplans use it: a-z, 0-9, '-', '_', 1-64 characters.")
    String name;

    @Option(names = "--design", paramLabel = "DESCRIPTION", description = "Describe the voice in words (a designed voice).")
    String design;

    @Option(names = "--recording", paramLabel = "FILE", description = "Reference recording, WAV (or FLAC with sox installed), 1-30 s (a cloned voice).")
    Path recording;

    @Option(names = "--transcript", paramLabel = "TEXT", description = "Exact words spoken in the recording (enables ultimate cloning; no --style then).")
    String transcript;

    @Option(names = "--transcript-file", paramLabel = "FILE", description = "Read the transcript from a UTF-8 text file.")
    Path transcriptFile;

    @Option(names = "--style", paramLabel = "TEXT", description = "Style description for a cloned voice, e.g. \"cheerful\".")
    String style;

    @Option(names = "--consent", paramLabel = "TEXT", description = "Who consented to the cloning, and how (required with --recording).")
    String consent;

    @Option(names = "--by", paramLabel = "WHO", description = "Who registers the voice (default: the current user).")
    String by;

    @Option(names = "--cfg", paramLabel = "VALUE", description = "Default cfg value, 0.1-10.")
    Double cfg;

    @Option(names = "--timesteps", paramLabel = "N", description = "Default inference timesteps, 1-100.")
    Integer timesteps;

    @Option(names = "--seed", paramLabel = "N", description = "Default random seed.")
    Long seed;

    @Option(names = "--language", paramLabel = "TAG", description = "Default language, e.g. en-US.")
    String language;

    @Option(names = "--engine", paramLabel = "KIND",
            description = "With --design: render an anchor with this model engine (worker or vllm), so the voice is one speaker.")
    String engine;

    @Option(names = "--workers", paramLabel = "HOST:PORT", split = ",",
            description = "Model workers to render with (default: those configured for the server).")
    List<String> workers;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Anchor candidates to render, each with its own seed (1-10, default 1).")
    int seeds;

    @Option(names = "--accept", paramLabel = "N",
            description = "Keep candidate N without asking (otherwise the command asks after writing the WAV files).")
    Integer accept;

    @Option(names = "--anchor-text", paramLabel = "TEXT",
            description = "What the anchor says (default: a six-second English IVR sentence; use your prompts' language).")
    String anchorText;

    @Option(names = "--candidates-dir", paramLabel = "DIR",
            description = "Where the candidate WAV files go (default: a new temporary directory).")
    Path candidatesDir;

    @Override
    public Integer call() {
        if (!VoiceNames.isValid(name)) {
            throw usage(invalidNameMessage());
        }
        if ((design == null) == (recording == null)) {
            throw usage("give exactly one of --design DESCRIPTION (a designed voice) or --recording FILE (a cloned voice)");
        }
        if (transcript != null && transcriptFile != null) {
            throw usage("--transcript and --transcript-file cannot both be given: use one");
        }
        if (engine == null && (workers != null || accept != null || anchorText != null || candidatesDir != null
                || seeds != 1)) {
            throw usage("--workers, --seeds, --accept, --anchor-text and --candidates-dir render an anchor: give --engine worker (or vllm) with --design");
        }
        if (engine != null && design == null) {
            throw usage("--engine renders an anchor for a designed voice: give --design DESCRIPTION");
        }
        if (engine != null && EngineOptions.EMBEDDED.equals(engine)) {
            throw usage("the embedded engine cannot design voices: render the anchor with --engine worker or --engine vllm");
        }
        if (seeds < 1 || seeds > 10) {
            throw usage("--seeds must be 1-10");
        }
        if (accept != null && (accept < 1 || accept > seeds)) {
            throw usage("--accept must name one of the candidates, 1-" + seeds);
        }
        if (design != null && (transcript != null || transcriptFile != null || style != null || consent != null)) {
            throw usage("--transcript, --transcript-file, --style and --consent belong to a cloned voice (--recording), not to --design");
        }
        if (recording != null && (consent == null || consent.isBlank())) {
            throw usage("--consent is required with --recording: say who consented to the cloning and how, e.g. --consent \"Jane Doe, signed release 2026-11-01\"");
        }
        if (recording != null && (transcript != null || transcriptFile != null) && style != null) {
            throw usage("--transcript and --style cannot both be given: with the exact transcript the voice is an ultimate clone,"
                    + " which takes no style description; drop --style, or drop the transcript for a style-controllable clone");
        }
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            GenerationDefaults defaults = new GenerationDefaults(cfg, timesteps, seed, language);
            String who = by != null ? by : System.getProperty("user.name", "unknown");
            NewVoice voice;
            if (design != null && engine != null) {
                VoiceRules.checkDesign(design);
                Anchor anchor = renderAnchor(defaults, out);
                if (anchor == null) {
                    err.println("no candidate accepted: nothing registered");
                    return VoicesCommand.FAILED;
                }
                voice = new NewVoice.Design(design, defaults, who, anchor);
            } else if (design != null) {
                voice = new NewVoice.Design(design, defaults, who);
            } else {
                voice = new NewVoice.Clone(Recording.read(recording), readTranscript(), style, consent, defaults, who);
            }
            Voice v = parent.openRegistry().add(name, voice, "cli");
            out.println(summary(v));
            out.flush();
            return VoicesCommand.OK;
        } catch (InvalidVoiceException e) {
            err.println("error: " + e.getMessage());
            return VoicesCommand.FAILED;
        } catch (SynthesisException e) {
            err.println("error: the " + engine + " engine could not render the anchor: " + e.getMessage());
            return VoicesCommand.FAILED;
        } catch (IllegalArgumentException e) {
            err.println("error: cannot open the " + engine + " engine: " + e.getMessage());
            return VoicesCommand.FAILED;
        } catch (IOException e) {
            err.println("error: cannot register voice " + name + " in " + parent.voicesDir + ": " + e.getMessage());
            return VoicesCommand.FAILED;
        }
    }

    /** Renders the candidates, lets the operator pick one; null when none was accepted. */
    private Anchor renderAnchor(GenerationDefaults defaults, PrintWriter out)
            throws SynthesisException, IOException, InvalidVoiceException {
        String text = anchorText != null ? anchorText.strip() : AnchorRenderer.DEFAULT_TEXT;
        List<Long> seedList = new ArrayList<>();
        long base = seed != null ? seed : 1 + new SecureRandom().nextInt(1_000_000_000);
        for (int i = 0; i < seeds; i++) {
            seedList.add(base + i);
        }
        Path dir = candidatesDir != null ? candidatesDir : Files.createTempDirectory("voxcpm-anchor-" + name + "-");
        List<AnchorRenderer.Candidate> candidates;
        try (SpeechEngine speech = parent.engines().open(new EngineOptions(engine, 1, workers))) {
            out.println("rendering " + seeds + " anchor candidate" + (seeds == 1 ? "" : "s") + " for " + name
                    + " with the " + engine + " engine ...");
            out.flush();
            candidates = AnchorRenderer.render(speech, design.strip(), text, language, defaults, seedList, dir, name);
        }
        for (AnchorRenderer.Candidate c : candidates) {
            out.println(String.format(Locale.ROOT, "  candidate %d: %s (seed %d, %.2f s)", c.number(), c.wav(),
                    c.seed(), c.seconds()));
        }
        out.flush();
        int chosen = accept != null ? accept : ask(out, candidates.size());
        if (chosen == 0) {
            return null;
        }
        AnchorRenderer.Candidate c = candidates.get(chosen - 1);
        try {
            Recording clip = Recording.fromWav(WavFile.pcm16(c.pcm(), c.sampleRate()),
                    "anchor candidate " + c.number() + " (seed " + c.seed() + ")");
            return new Anchor(clip, text, c.seed());
        } catch (InvalidRecordingException e) {
            throw new InvalidVoiceException("candidate " + c.number() + " cannot be an anchor: " + e.getMessage()
                    + " (render again, or pick another candidate)");
        }
    }

    private int ask(PrintWriter out, int count) throws IOException, InvalidVoiceException {
        out.print("listen to the candidates, then type the number to keep (1-" + count + "), or 0 to cancel: ");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(parent.input(), StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
            throw new InvalidVoiceException("no answer on standard input: choose with --accept N");
        }
        try {
            int n = Integer.parseInt(line.strip());
            if (n >= 0 && n <= count) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidVoiceException("'" + line.strip() + "' is not a candidate number (0-" + count + ")");
    }

    private String readTranscript() throws InvalidVoiceException {
        if (transcriptFile == null) {
            return transcript;
        }
        try {
            return Files.readString(transcriptFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidVoiceException("cannot read the transcript file " + transcriptFile + " (" + e.getMessage()
                    + "): check the path, or give the text with --transcript");
        }
    }

    private String invalidNameMessage() {
        try {
            VoiceNames.requireValid(name);
            return "";
        } catch (InvalidVoiceException e) {
            return e.getMessage();
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String summary(Voice v) {
        String what = v instanceof CloneVoice c
                ? String.format(Locale.ROOT, "clone, %.2f s reference%s", c.reference().durationSeconds(),
                        c.ultimate() ? ", with transcript (ultimate clone)" : c.style().map(s -> ", style \"" + s + "\"").orElse(""))
                : ((DesignVoice) v).anchor().map(a -> String.format(Locale.ROOT,
                        "design, anchored to a %.2f s rendering: every prompt continues it", a.clip().durationSeconds()))
                .orElse("design, unanchored: the model designs a new speaker for each prompt; "
                        + "anchor it with --engine worker");
        return "registered " + v.name() + " v" + v.version() + " (" + what + ")";
    }
}
