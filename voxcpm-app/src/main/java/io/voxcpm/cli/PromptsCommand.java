package io.voxcpm.cli;

import io.voxcpm.prompt.PromptStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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

/**
 * {@code prompts add|list|remove}: manages the recorded prompts SSML plays with
 * {@code <audio src="prompt:NAME">}. Exit codes: 0 done, 1 failed (the message says why), 2 wrong usage.
 */
@Command(name = "prompts", mixinStandardHelpOptions = true,
        description = "Manage recorded prompts that SSML plays with <audio src=\"prompt:NAME\">.",
        subcommands = {PromptsCommand.Add.class, PromptsCommand.ListPrompts.class, PromptsCommand.Remove.class})
public final class PromptsCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--prompts-dir", paramLabel = "DIR",
            defaultValue = "${env:VOXCPM_PROMPTS_DIR:-data/prompts}",
            description = "Prompt store directory (default: ${DEFAULT-VALUE}; env VOXCPM_PROMPTS_DIR; the server's "
                    + "prompts.dir).")
    Path promptsDir;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: add, list or remove");
    }

    PromptStore store() {
        return PromptStore.open(promptsDir == null ? PromptStore.DEFAULT_DIRECTORY : promptsDir);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Store a WAV recording (PCM or float, mono or stereo, 8-48 kHz) as prompt NAME.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        PromptsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;
        @Option(names = "--replace", description = "Replace a prompt of the same name.")
        boolean replace;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                PromptStore.Info info = parent.store().add(name, file, replace);
                out.printf(Locale.ROOT, "%s %s: %.2f s at %d Hz; play it with <audio src=\"prompt:%s\">text if "
                        + "missing</audio>%n", replace ? "stored (replacing any old one)" : "added", info.name(),
                        info.seconds(), info.sampleRate(), info.name());
                out.flush();
                return OK;
            } catch (PromptStore.InvalidPrompt e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
            } catch (IOException e) {
                spec.commandLine().getErr().println("error: cannot store " + name + " in " + parent.promptsDir + ": " + e);
            }
            return FAILED;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the stored prompts.")
    static final class ListPrompts implements Callable<Integer> {
        @ParentCommand
        PromptsCommand parent;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                List<PromptStore.Info> all = parent.store().list();
                if (all.isEmpty()) {
                    out.println("no prompts in " + parent.promptsDir + " (add one: prompts add NAME file.wav)");
                }
                for (PromptStore.Info i : all) {
                    out.printf(Locale.ROOT, "%-32s %7.2f s %6d Hz  %s%n", i.name(), i.seconds(), i.sampleRate(),
                            i.modified());
                }
                out.flush();
                return OK;
            } catch (IOException e) {
                spec.commandLine().getErr().println("error: cannot read " + parent.promptsDir + ": " + e);
                return FAILED;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete prompt NAME.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        PromptsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try {
                if (!parent.store().remove(name)) {
                    spec.commandLine().getErr().println("error: no prompt named '" + name + "' in " + parent.promptsDir
                            + " (see: prompts list)");
                    return FAILED;
                }
                spec.commandLine().getOut().println("removed " + name);
                spec.commandLine().getOut().flush();
                return OK;
            } catch (PromptStore.InvalidPrompt e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
            } catch (IOException e) {
                spec.commandLine().getErr().println("error: cannot remove " + name + ": " + e);
            }
            return FAILED;
        }
    }
}
