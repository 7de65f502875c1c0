package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.rtp.RealtimeProbe;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive (AppCDS) on the real shaded jar ({@code package} built it; failsafe runs this in
 * {@code verify}): the first server start trains an archive next to the jar and later starts map the server's classes
 * from it; and whatever is wrong with it — a rebuilt jar, a torn file, a directory the launcher cannot write — the
 * server still starts, without a word about class data. Each start is the launcher's own {@code serve} on private
 * loopback ports, with the hidden {@code --exit-when-listening} the training run uses, so it ends by itself once it
 * listens. The launcher and the jar are copied into a directory of their own, so nothing here touches the build. One
 * more case checks the launcher's other start-time choice, the thread priorities.
 */
class LauncherClassDataIT {

    private static final Path JAR = Path.of("target", "voxcpm-mrcp.jar");
    private static final Path LAUNCHER = Path.of("..", "voxcpm-mrcp");

    @TempDir
    Path install;

    private Path jar;
    private Path archives;

    @BeforeEach
    void copyTheLauncherAndTheJar() throws IOException {
        assertThat(JAR).as("the shaded server jar (run `package` first)").isRegularFile();
        archives = Files.createDirectories(install.resolve("voxcpm-app/target"));
        jar = Files.copy(JAR, archives.resolve("voxcpm-mrcp.jar"));
        Files.copy(LAUNCHER, install.resolve("voxcpm-mrcp"));
        assertThat(install.resolve("voxcpm-mrcp").toFile().setExecutable(true)).isTrue();
    }

    @Test
    void theFirstStartTrainsAnArchiveThatLaterStartsMapTheServerFrom() throws Exception {
        String first = start(Map.of());
        assertThat(first).contains("preparing the class-data archive", "listening after");
        Path archive = theOnlyArchive();

        Path classLog = install.resolve("classes.log");
        String second = start(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog));
        assertThat(second).contains("listening after").doesNotContain("preparing the class-data archive");
        assertThat(Files.readString(classLog))
                .as("Main and the SIP stack come from the archive, not the jar")
                .contains("io.voxcpm.server.Main source: shared objects file (top)")
                .contains("io.voxcpm.sip.SipServer source: shared objects file (top)");
        assertThat(theOnlyArchive()).isEqualTo(archive);
    }

    @Test
    void aRebuiltJarGetsANewArchiveAndTheOldOneGoes() throws Exception {
        start(Map.of());
        Path old = theOnlyArchive();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

        assertThat(start(Map.of())).contains("preparing the class-data archive", "listening after");
        assertThat(theOnlyArchive()).isNotEqualTo(old);
        assertThat(old).doesNotExist();
    }

    @Test
    void aTornArchiveIsNeverMappedAndIsMadeAgain() throws Exception {
        start(Map.of());
        Path archive = theOnlyArchive();
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(file.length() / 2); // a crash mid-copy, or a disk that filled up: JDK 17 would die of SIGBUS
        }
        String output = start(Map.of());
        assertThat(output).contains("listening after").doesNotContain("[warning]", "[error]", "fatal error");
        assertThat(theOnlyArchive()).hasSize(Long.parseLong(
                theOnlyArchive().getFileName().toString().replaceAll(".*-(\\d+)\\.jsa$", "$1")));
    }

    @Test
    void aFlightRecordingFromTheStartRunsWithoutTheArchive() throws Exception {
        start(Map.of());
        theOnlyArchive();
        // JDK 17 dies of SIGSEGV (check_shared_class_file_load_hook) when JFR hooks class loading from a dynamic archive
        Path recording = install.resolve("start.jfr");
        String output = start(Map.of("JAVA_OPTS", "-XX:StartFlightRecording=filename=" + recording));
        assertThat(output).contains("listening after").doesNotContain("fatal error");
        assertThat(recording).isRegularFile();
    }

    @Test
    void aDirectoryTheLauncherCannotWriteMeansNoArchiveAndNoDelay() throws Exception {
        Path notADirectory = Files.writeString(install.resolve("a-file"), "");
        String output = start(Map.of("VOXCPM_CDS_DIR", notADirectory.resolve("cds").toString()));
        assertThat(output).contains("listening after").doesNotContain("preparing the class-data archive");
        assertThat(archivesNextToTheJar()).isEmpty();
    }

    @Test
    void aFailedTrainingRunIsNotRepeatedOnEveryStart() throws Exception {
        // a JVM option the training run cannot start with stands for anything that makes it fail
        Files.writeString(install.resolve("voxcpm-mrcp"), Files.readString(install.resolve("voxcpm-mrcp"))
                .replace("-XX:ArchiveClassesAtExit=", "-XX:+NoSuchOptionForThisTest -XX:ArchiveClassesAtExit="));
        assertThat(start(Map.of())).contains("preparing the class-data archive", "listening after");
        assertThat(archivesNextToTheJar()).isEmpty();
        assertThat(start(Map.of())).contains("listening after").doesNotContain("preparing the class-data archive");
    }

    /**
     * Not class data, but the same launcher start: where the process may renice threads (root or CAP_SYS_NICE) the
     * launcher asks the JVM for the media clock's priority and nice compilers; elsewhere it asks nothing (the JVM
     * would only warn); and JAVA_OPTS naming a policy wins. The server itself puts the media clock in the real-time
     * class where the kernel lets it, and says so.
     */
    @Test
    void theLauncherAsksForThreadPrioritiesOnlyWhereTheProcessMaySetThem() throws Exception {
        String flags = start(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        if (mayRenice()) {
            assertThat(flags).containsPattern("ThreadPriorityPolicy\\s+= 1\\s").containsPattern("CompilerThreadPriority\\s+= 5\\s");
        } else {
            assertThat(flags).containsPattern("ThreadPriorityPolicy\\s+= 0\\s");
        }
        assertThat(flags).doesNotContain("may require system level permission");
        if (RealtimeProbe.permitted()) {
            assertThat(flags).contains("Media clock: real-time scheduling (SCHED_FIFO 10)")
                    .contains("the JVM's VM thread at 9");
        } else {
            assertThat(flags).contains("Media clock: normal scheduling, real-time not permitted here");
        }

        String chosen = start(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal -XX:ThreadPriorityPolicy=0"));
        assertThat(chosen).containsPattern("ThreadPriorityPolicy\\s+= 0\\s").containsPattern("CompilerThreadPriority\\s+= -1\\s");
    }

    /**
     * The launcher's heap (a 2 GB maximum collected as if it were 384 MB) unless JAVA_OPTS names a size: then all of
     * the operator's sizes and none of ours, so a maximum below our initial 512 MB still starts.
     */
    @Test
    void theLauncherSizesTheHeapUnlessJavaOptsDoes() throws Exception {
        String ours = start(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        assertThat(ours).containsPattern("\\sMaxHeapSize\\s+= 2147483648\\s").containsPattern("SoftMaxHeapSize\\s+= 402653184\\s")
                .containsPattern("UseZGC\\s+= true\\s");

        String theirs = start(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal -Xmx256m"));
        assertThat(theirs).containsPattern("\\sMaxHeapSize\\s+= 268435456\\s").containsPattern("SoftMaxHeapSize\\s+= 268435456\\s")
                .containsPattern("UseZGC\\s+= true\\s");
    }

    /** Root, or CAP_SYS_NICE (bit 23) among this process's effective capabilities. */
    private static boolean mayRenice() throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) >> 23 & 1) == 1;
            }
        }
        return false;
    }

    /** Runs {@code voxcpm-mrcp serve} from a scratch directory until it has listened and exited; its whole output. */
    private String start(Map<String, String> env) throws Exception {
        Path work = Files.createTempDirectory(install, "run");
        List<String> command = new ArrayList<>(List.of(install.resolve("voxcpm-mrcp").toString(), "serve",
                "--address", "127.0.0.1", "--sip-port", "0", "--mrcp-port", "0", "--http-port", "0",
                "--exit-when-listening"));
        // to a file, not a pipe: -XX:+PrintFlagsFinal alone is ~64 KB, a pipe's whole buffer, and a launcher blocked
        // writing to a pipe nobody reads until it exits would never exit
        Path log = work.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("VOXCPM_CDS");
        builder.environment().remove("VOXCPM_CDS_DIR");
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean exited = process.waitFor(180, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(exited).as("the launcher ended by itself; output:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", output).isZero();
        return output;
    }

    private Path theOnlyArchive() throws IOException {
        List<Path> found = archivesNextToTheJar();
        assertThat(found).as("archives next to the jar").hasSize(1);
        return found.get(0);
    }

    private List<Path> archivesNextToTheJar() throws IOException {
        try (Stream<Path> files = Files.list(archives)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsa")).sorted().toList();
        }
    }
}
