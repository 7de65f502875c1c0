package io.voxcpm.cli;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.voice.WavFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code voxcpm-mrcp say "text" -o out.wav}: one utterance to one WAV (or raw G.722) file. */
@Command(name = "say", mixinStandardHelpOptions = true,
        description = "Speak one text into a WAV file. Exit 0 on success, 1 when synthesis fails.")
public final class SayCommand implements Callable<Integer> {

    private final EngineProvider engines;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TEXT", description = "What to say (SSML with --ssml).")
    String text;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "File to write: WAV, or raw G.722 for --format g722.")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "native",
            description = "ulaw8k, alaw8k, pcm8k, pcm16k, native or g722 (raw G.722; default ${DEFAULT-VALUE}).")
    String format;

    @Mixin
    SpeechOptions speech = new SpeechOptions();

    /** With the embedded engine. */
    public SayCommand() {
        this(EngineProvider.embedded());
    }

    public SayCommand(EngineProvider engines) {
        this.engines = Objects.requireNonNull(engines, "engines");
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        OutputFormat out;
        try {
            out = OutputFormat.parse(format);
        } catch (IllegalArgumentException e) {
            err.println("say: " + e.getMessage());
            return 2;
        }
        try (Speaker speaker = Speaker.open(engines, speech)) {
            short[] pcm = speaker.speak(text, speech.voice, speech.language);
            WavFile.write(output, out.file(pcm, speaker.sampleRate()));
            spec.commandLine().getOut().printf("%s: %.2f s, %s%n", output, pcm.length / (double) speaker.sampleRate(),
                    out.id());
            return 0;
        } catch (SynthesisException | IllegalArgumentException | IllegalStateException e) {
            err.println("say: " + e.getMessage());
            return 1;
        }
    }
}
