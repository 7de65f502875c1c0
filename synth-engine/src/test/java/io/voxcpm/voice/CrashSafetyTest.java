package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registers voices in child JVMs and kills them with SIGKILL at random moments: after every kill the
 * registry must load, and the voice must be exactly its last committed version or the one being
 * written, with every stored version passing its checksums.
 */
class CrashSafetyTest {

    private static final String VOICE = "brand";

    @TempDir
    Path tmp;

    /**
     * A running child. Its stdout goes to a file, not a pipe: every line it wrote before SIGKILL is there to
     * read afterwards (a pipe's reader, starved of CPU on a loaded machine, can lose the last lines when the
     * JDK closes the pipe of an exited process, and a lost "committed N" made a later version look impossible).
     */
    private record Writer(Process process, Path out) {

        List<String> lines() throws IOException {
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        }

        /** Every version the child reported as committed, in order (a line cut by the kill is not a report). */
        List<Integer> committed() throws IOException {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            List<Integer> versions = new ArrayList<>();
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                if (line.startsWith("committed ")) {
                    versions.add(Integer.parseInt(line.substring(10)));
                }
            }
            return versions;
        }

        int lastCommitted() throws IOException {
            List<Integer> all = committed();
            return all.isEmpty() ? 0 : all.get(all.size() - 1);
        }
    }

    private Writer start(Path dir, Path wav, long count) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile(tmp, "writer-", ".out");
        Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RegistryWriter.class.getName(), dir.toString(), wav.toString(), VOICE, Long.toString(count))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(out.toFile())
                .start();
        return new Writer(p, out);
    }

    @Test
    void killDashNineAtRandomMomentsLeavesEachVoiceFullyOldOrFullyNew() throws Exception {
        Path dir = tmp.resolve("voices");
        Path wav = tmp.resolve("ref.wav");
        Files.write(wav, TestWavs.speechLike(10.0));
        Random random = new Random(20261125L);
        int current = 0;
        int killsWithWriteInFlight = 0;
        int iterations = 30;
        for (int i = 0; i < iterations; i++) {
            Writer w = start(dir, wav, 0);
            int before = current;
            // in its write loop: one version past the last one, so every kill lands among writes however slow
            // the machine is (a child still starting up when killed would prove nothing)
            await().atMost(Duration.ofSeconds(60)).until(() -> w.lastCommitted() > before || !w.process().isAlive());
            assertThat(w.process().isAlive()).as("child running; it printed %s", w.lines()).isTrue();
            // a real pause: the kill's moment within a write is what varies from one iteration to the next
            Thread.sleep(random.nextInt(400));
            w.process().destroyForcibly();
            assertThat(w.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            int committed = Math.max(current, w.lastCommitted());

            if (leftovers(dir) > 0) {
                killsWithWriteInFlight++;
            }
            VoiceRegistry registry = VoiceRegistry.open(dir);
            assertThat(leftovers(dir)).as("leftovers cleaned on open").isZero();

            var status = registry.lookup(VOICE);
            if (committed == 0 && status.isEmpty()) {
                continue;
            }
            assertThat(status).as("iteration %d", i).get().isInstanceOf(VoiceStatus.Ok.class);
            Voice v = ((VoiceStatus.Ok) status.get()).voice();
            assertThat(v.version()).as("old (%d) or new version", committed).isBetween(committed, committed + 1);
            assertThat(RegistryWriter.takeOf(v)).isEqualTo("take " + v.version());
            List<VoiceStatus> versions = registry.versions(VOICE);
            assertThat(versions).extracting(VoiceStatus::version)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, v.version()).boxed().toList());
            assertThat(versions).allMatch(VoiceStatus.Ok.class::isInstance);
            // the audit record goes first: no stored version without one, whatever the kill tore
            assertThat(registry.auditLog().read()).filteredOn(e -> e.action().equals("add"))
                    .extracting(VoiceAuditLog.Entry::version).containsAll(IntStream.rangeClosed(1, v.version()).boxed().toList());
            current = v.version();
        }
        assertThat(current).as("the children made progress").isGreaterThanOrEqualTo(iterations);
        System.out.printf("crash test: %d kills, %d versions committed, %d kills left a write in flight%n",
                iterations, current, killsWithWriteInFlight);
        // kills that all landed between writes would prove nothing about a torn write: a version half
        // written (its .tmp- directory left behind) must have been recovered from at least a few times
        assertThat(killsWithWriteInFlight).as("kills that landed mid-write (a .tmp- version left behind)")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void twoProcessesAddingAtOnceTakeTurns() throws Exception {
        Path dir = tmp.resolve("voices");
        Path wav = tmp.resolve("ref.wav");
        Files.write(wav, TestWavs.speechLike(5.0));
        Writer a = start(dir, wav, 8);
        Writer b = start(dir, wav, 8);
        for (Writer w : List.of(a, b)) {
            assertThat(w.process().waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(w.process().exitValue()).isZero();
        }
        List<Integer> all = new ArrayList<>(a.committed());
        all.addAll(b.committed());
        assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 16).boxed().toList());
        List<VoiceStatus> versions = VoiceRegistry.open(dir).versions(VOICE);
        assertThat(versions).hasSize(16).allMatch(VoiceStatus.Ok.class::isInstance);
        // both processes appended to one audit log without tearing each other's lines
        List<String> lines = Files.readAllLines(dir.resolve(VoiceAuditLog.FILE));
        assertThat(lines).hasSize(16).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
        assertThat(VoiceRegistry.open(dir).auditLog().read()).extracting(VoiceAuditLog.Entry::version)
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 16).boxed().toList());
    }

    private static long leftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count();
        }
    }
}
