package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code voxcpm-mrcp prewarm} as the launcher runs it: listing with file:line, skips, exit codes. */
class PrewarmCommandTest {

    @TempDir
    Path dir;

    @Test
    void listsTheShippedDialplansWithFileAndLine() {
        Path dialplans = root().resolve("dialplans");
        Result r = run("prewarm", "--list", dialplans.toString());

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains(dialplans.resolve("freeswitch/dialplan/voxcpm.xml") + ":7: speak [Content-Type: "
                        + "text/plain, Speech-Language: en-US, Voice-Name: default] \"Hello, and thank you for calling.\"")
                .contains(dialplans.resolve("asterisk/extensions.conf") + ":4: MRCPSynth [")
                .contains(dialplans.resolve("freeswitch/scripts/voxcpm.lua") + ":5: session:speak [Content-Type: "
                        + "application/ssml+xml")
                .contains("prewarm: 7 found, 7 to render, 0 skipped");
    }

    @Test
    void reportsVariablesAsSkippedAndRendersTheRest() throws Exception {
        Files.writeString(dir.resolve("extensions.conf"), """
                [ivr]
                exten => 1,1,MRCPSynth(Your balance is ${BALANCE}.)
                 same => n,MRCPSynth(Goodbye.)
                """);
        Result r = run("prewarm", "--cache-dir", dir.resolve("cache").toString(), dir.toString());

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("extensions.conf:2: MRCPSynth: skipped: built from variables at call time")
                .contains("prewarm: 2 found: 1 rendered (0 already cached), 0 failed, 1 skipped");
        assertThat(r.err).contains("[1/1] ok " + dir.resolve("extensions.conf") + ":3");
    }

    @Test
    void aMissingPathIsBadUsage() {
        Result r = run("prewarm", dir.resolve("nope").toString());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("prewarm: no such file or directory");
    }

    private record Result(int exit, String out, String err) { }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("dialplans")) && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root not found");
    }
}
