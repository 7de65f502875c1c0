package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** A running child with the last version it reported as committed. */
    private record Writer(Process process, AtomicInteger lastCommitted, List<Integer> committed,
                          CountDownLatch ready, Thread reader) {
    }

    private Writer start(Path dir, Path wav, long count) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RegistryWriter.class.getName(), dir.toString(), wav.toString(), VOICE, Long.toString(count))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        AtomicInteger last = new AtomicInteger();
        List<Integer> committed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("ready")) {
                        ready.countDown();
                    } else if (line.startsWith("committed ")) {
                        int v = Integer.parseInt(line.substring(10));
                        last.set(v);
                        committed.add(v);
                    }
                }
            } catch (IOException e) {
                // the child was killed mid-line
            } finally {
                ready.countDown();
            }
        }, "child-stdout");
        reader.start();
        return new Writer(p, last, committed, ready, reader);
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
            assertThat(w.ready().await(60, TimeUnit.SECONDS)).as("child started").isTrue();
            Thread.sleep(random.nextInt(400));
            w.process().destroyForcibly();
            assertThat(w.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            w.reader().join(30_000);
            assertThat(w.reader().isAlive()).as("every line the child printed was read").isFalse();
            int committed = Math.max(current, w.lastCommitted().get());

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
        assertThat(current).as("the children made progress").isGreaterThan(iterations);
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
            w.reader().join(10_000);
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
