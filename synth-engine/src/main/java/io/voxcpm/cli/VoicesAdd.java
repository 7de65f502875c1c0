package io.voxcpm.cli;

import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.GenerationDefaults;
import io.voxcpm.voice.InvalidVoiceException;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceNames;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            NewVoice voice = design != null
                    ? new NewVoice.Design(design, defaults, who)
                    : new NewVoice.Clone(Recording.read(recording), readTranscript(), style, consent, defaults, who);
            Voice v = parent.openRegistry().add(name, voice);
            out.println(summary(v));
            out.flush();
            return VoicesCommand.OK;
        } catch (InvalidVoiceException e) {
            err.println("error: " + e.getMessage());
            return VoicesCommand.FAILED;
        } catch (IOException e) {
            err.println("error: cannot register voice " + name + " in " + parent.voicesDir + ": " + e.getMessage());
            return VoicesCommand.FAILED;
        }
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
                : "design";
        return "registered " + v.name() + " v" + v.version() + " (" + what + ")";
    }
}
