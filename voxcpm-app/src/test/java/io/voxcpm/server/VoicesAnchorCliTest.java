package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.e2e.StandInWorkers;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.VoiceRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator's path, through the real command line and a REAL Python worker process (stand-in model):
 * design a voice, render anchor candidates on the worker, keep one, and remove the voice from the
 * registry and the worker again.
 */
class VoicesAnchorCliTest {

    @TempDir
    Path tmp;

    private String out;
    private String err;

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        int code = cli.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void designRenderAcceptAndRemoveAgainstARealWorker() throws Exception {
        Assumptions.assumeTrue(StandInWorkers.runnable(), StandInWorkers.MISSING);
        try (StandInWorkers workers = new StandInWorkers()) {
            String worker = workers.start(0.0);
            String voices = tmp.resolve("voices").toString();
            Path candidates = tmp.resolve("candidates");

            assertThat(run("voices", "--voices-dir", voices, "add", "acme", "--design", "A warm, mature male voice",
                    "--engine", "worker", "--workers", worker, "--seeds", "2", "--seed", "100", "--accept", "2",
                    "--candidates-dir", candidates.toString())).as(err).isZero();
            assertThat(candidates.resolve("acme-anchor-1.wav")).isRegularFile();
            assertThat(candidates.resolve("acme-anchor-2.wav")).isRegularFile();
            assertThat(out).contains("seed 101", "registered acme v1 (design, anchored to a");
            DesignVoice acme = (DesignVoice) VoiceRegistry.open(Path.of(voices)).find("acme").orElseThrow();
            assertThat(acme.anchor().orElseThrow().seed()).contains(101L);
            assertThat(workers.log()).contains("design on instance", "seeded by generators");

            assertThat(run("voices", "--voices-dir", voices, "list")).isZero();
            assertThat(out).containsPattern("acme +design \\(anchored\\)");

            // The anchor was never pushed to this worker, so it reports nothing to delete, and the
            // registry entry goes.
            assertThat(run("voices", "--voices-dir", voices, "remove", "acme", "--engine", "worker",
                    "--workers", worker)).as(err).isZero();
            assertThat(out).contains("worker " + worker + ": voice 'acme' not held", "removed acme");
            assertThat(VoiceRegistry.open(Path.of(voices)).find("acme")).isEmpty();
        }
    }
}
