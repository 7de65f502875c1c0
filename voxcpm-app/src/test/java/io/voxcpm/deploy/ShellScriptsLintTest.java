package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every shell script in the repository passes {@code shellcheck} (Debian package shellcheck, installed by
 * .ci/run), each checked for the shell its shebang names, so a bash-only construct in a {@code #!/bin/sh}
 * script is a finding. Skipped where shellcheck is missing, except in CI.
 */
class ShellScriptsLintTest {

    private static final Path SHELLCHECK = Path.of("/usr/bin/shellcheck");

    @Test
    void everyShellScriptPassesShellcheck() throws Exception {
        if (!RepoFiles.IN_CI) {
            Assumptions.assumeTrue(Files.isExecutable(SHELLCHECK), "shellcheck not installed (Debian package shellcheck)");
        }
        Path root = RepoFiles.root();
        List<Path> scripts = RepoFiles.shellScripts();
        // The search itself is checked: a walk that finds nothing would pass vacuously.
        assertThat(scripts).extracting(p -> root.relativize(p).toString())
                .contains(".ci/run", "docker/worker-entrypoint.sh", "voxcpm-mrcp", "mvnw", "npu-bridge/worker/run_tests.sh");

        List<String> command = new ArrayList<>(List.of(SHELLCHECK.toString(), "--format=gcc", "--external-sources"));
        scripts.forEach(p -> command.add(root.relativize(p).toString()));
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String findings = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("shellcheck finished").isTrue();
        assertThat(findings).as("shellcheck findings").isEmpty();
        assertThat(process.exitValue()).as("shellcheck exit status").isZero();
    }
}
