package io.voxcpm.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.voxcpm.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code config check FILE}: reads a configuration the way {@code serve --config FILE} does, checks what can be
 * checked without starting (values, directories), and prints the effective configuration, defaults filled in.
 * Exit codes: 0 valid, 1 invalid (every problem named, with the key), 2 wrong usage.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Work with the server's YAML configuration.",
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: check FILE");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a configuration file and print the effective configuration (defaults filled in).",
                    "Exit 0 when the server would start with it, 1 with every problem named otherwise."})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The YAML file, as given to serve --config.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ServerConfig config;
            try {
                config = ServerConfig.load(file);
            } catch (ServerConfig.ConfigException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 1;
            }
            List<String> problems = directoryProblems(config);
            if (!problems.isEmpty()) {
                problems.forEach(p -> err.println("error: " + file + ": " + p));
                err.flush();
                return 1;
            }
            out.println("# " + file + ": valid; the effective configuration (defaults filled in):");
            out.print(yaml(config));
            out.flush();
            return 0;
        }
    }

    /** Directories the server writes: they must exist writable, or be creatable. Nothing is created here. */
    static List<String> directoryProblems(ServerConfig config) {
        List<String> problems = new ArrayList<>();
        checkWritable(problems, "voices.dir", Path.of(config.voices().dir()));
        if (config.cache().enabled()) {
            checkWritable(problems, "cache.dir", Path.of(config.cache().dir()));
        }
        return problems;
    }

    private static void checkWritable(List<String> problems, String key, Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            problems.add(key + " " + dir + ": no part of the path exists");
        } else if (!Files.isDirectory(existing)) {
            problems.add(key + " " + dir + ": " + existing + " is a file, not a directory");
        } else if (!Files.isWritable(existing)) {
            problems.add(key + " " + dir + ": " + existing + " is not writable by user "
                    + System.getProperty("user.name", "?"));
        }
    }

    static String yaml(ServerConfig config) {
        if (config.admin().token() != null) { // a secret is never echoed
            config = config.withAdmin(config.admin().withToken("(set; hidden)"));
        }
        try {
            return new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a loaded configuration always serialises", e);
        }
    }
}
