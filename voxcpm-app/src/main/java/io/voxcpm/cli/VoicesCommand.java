package io.voxcpm.cli;

import io.voxcpm.voice.VoiceRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code voices add|list|show|remove}: manages the voice registry. Exit codes: 0 done, 1 failed (the
 * message says why and what to do), 2 wrong usage. Usable on its own or as a subcommand of the server's
 * main command.
 */
@Command(name = "voices", mixinStandardHelpOptions = true,
        description = "Manage branded voices: designed from a description, or cloned from a recording.",
        subcommands = {VoicesAdd.class, VoicesList.class, VoicesShow.class, VoicesRemove.class})
public final class VoicesCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    // INHERIT: accepted before or after the subcommand (voices add NAME --voices-dir DIR), as users type it
    @Option(names = "--voices-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            defaultValue = "${env:VOXCPM_VOICES_DIR:-data/voices}",
            description = "Voice registry directory (default: ${DEFAULT-VALUE}; env VOXCPM_VOICES_DIR).")
    Path voicesDir;

    @Option(names = "--cache-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Prompt cache that removing a voice purges (default: the server's cache.dir, else data/cache;"
                    + " env VOXCPM_CACHE_DIR).")
    Path cacheDir;

    private final EngineProvider engines;
    private final InputStream input;

    /** Without model engines: anchors cannot be rendered and removal reaches only the registry. */
    public VoicesCommand() {
        this(EngineProvider.embedded());
    }

    /** @param engines opens the model engines that render anchors and forget removed voices */
    public VoicesCommand(EngineProvider engines) {
        this(engines, System.in);
    }

    VoicesCommand(EngineProvider engines, InputStream input) {
        this.engines = engines;
        this.input = input;
    }

    EngineProvider engines() {
        return engines;
    }

    /** Where interactive answers come from (standard input). */
    InputStream input() {
        return input;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: add, list, show or remove");
    }

    /** The prompt cache directory voice removal purges. */
    Path cacheDir() {
        if (cacheDir != null) {
            return cacheDir;
        }
        String env = System.getenv("VOXCPM_CACHE_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : engines.cacheDirectory();
    }

    VoiceRegistry openRegistry() throws IOException {
        return VoiceRegistry.open(voicesDir == null ? VoiceRegistry.DEFAULT_DIRECTORY : voicesDir);
    }
}
