package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker image's entrypoint, run the way it broke: under {@code /bin/sh} (dash on Debian and in the
 * Ubuntu-based CANN image), with stand-ins for CANN's two bash-only {@code set_env.sh} files and for
 * {@code python3}. The stand-ins use the constructs of the real files ({@code function}, {@code [[ ]]},
 * {@code ${BASH_SOURCE[0]}}, an option loop over {@code "$@"}) and record what they saw.
 */
@EnabledOnOs(OS.LINUX)
class WorkerEntrypointTest {

    private static final String TOOLKIT_STAND_IN = """
            # Stand-in for CANN's ascend-toolkit/set_env.sh (bash-only, as the real one is).
            function toolkit_dir() {
                cd "$(dirname "${BASH_SOURCE[0]}")" && pwd
            }
            if [[ -n "${BASH_VERSION}" ]]; then
                export STANDIN_TOOLKIT_HOME="$(toolkit_dir)"
            fi
            export STANDIN_TOOLKIT_ARGS="$#"
            """;

    /** Like the NNAL file, it parses "$@" as its own options and rejects what it does not know. */
    private static final String NNAL_STAND_IN = """
            # Stand-in for CANN's nnal/atb/set_env.sh (bash-only, as the real one is).
            function get_cxx_abi_option() {
                until [[ -z "$1" ]]; do
                    case "$1" in
                        --cxx_abi=*) cxx_abi="${1#--cxx_abi=}" ;;
                        *) echo "set_env.sh: unknown option $1" >&2; return 1 ;;
                    esac
                    shift
                done
            }
            get_cxx_abi_option "$@" || return 1
            export STANDIN_ATB_HOME="$(dirname "${BASH_SOURCE[0]}")/latest/atb/cxx_abi_${cxx_abi:-1}"
            """;

    /** Stands in for the interpreter: writes its working directory, arguments and the loaded environment. */
    private static final String PYTHON_STAND_IN = """
            #!/bin/sh
            {
              echo "cwd=$(pwd)"
              echo "toolkit=${STANDIN_TOOLKIT_HOME:-}"
              echo "toolkit_args=${STANDIN_TOOLKIT_ARGS:-}"
              echo "atb=${STANDIN_ATB_HOME:-}"
              for a in "$@"; do echo "arg=$a"; done
            } > "$STANDIN_REPORT"
            """;

    @TempDir
    Path dir;
    private Path ascend;
    private Path workerHome;
    private Path bin;
    private Path report;

    @BeforeEach
    void standIns() throws IOException {
        ascend = Files.createDirectories(dir.resolve("Ascend"));
        workerHome = Files.createDirectories(dir.resolve("opt/voxcpm-worker"));
        bin = Files.createDirectories(dir.resolve("bin"));
        report = dir.resolve("report.txt");
        Path python = bin.resolve("python3");
        Files.writeString(python, PYTHON_STAND_IN);
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void installCann() throws IOException {
        write(ascend.resolve("ascend-toolkit/set_env.sh"), TOOLKIT_STAND_IN);
        write(ascend.resolve("nnal/atb/set_env.sh"), NNAL_STAND_IN);
    }

    @Test
    void standInsAreBashOnlyLikeTheRealFiles() throws Exception {
        Path sh = Path.of("/bin/sh").toRealPath();
        Assumptions.assumeFalse(sh.getFileName().toString().contains("bash"), "/bin/sh is bash here (" + sh + ")");
        installCann();
        Result sourced = run(List.of("/bin/sh", "-c", ". \"$0\"", ascend.resolve("ascend-toolkit/set_env.sh").toString()));
        assertThat(sourced.exit).as("/bin/sh sourcing the stand-in fails, as dash does on the real file; output: "
                + sourced.output).isNotZero();
    }

    @Test
    void startsTheWorkerWithTheCannEnvironmentWhenRunUnderSh() throws Exception {
        installCann();
        Result result = run(List.of("/bin/sh", entrypoint(), "--model-dir", "/models/Vox CPM2", "--device", "npu", ""));

        assertThat(result.exit).as("entrypoint exit status; output:\n" + result.output).isZero();
        assertThat(Files.readAllLines(report)).containsExactly(
                "cwd=" + workerHome.toRealPath(),
                "toolkit=" + ascend.resolve("ascend-toolkit").toRealPath(),
                "toolkit_args=0",
                "atb=" + ascend.resolve("nnal/atb") + "/latest/atb/cxx_abi_1",
                "arg=-m", "arg=voxcpm_worker", "arg=--model-dir", "arg=/models/Vox CPM2", "arg=--device", "arg=npu", "arg=");
    }

    @Test
    void startsTheWorkerWithoutCann() throws Exception {
        Result result = run(List.of("/bin/sh", entrypoint(), "--device", "cuda"));

        assertThat(result.exit).as("entrypoint exit status; output:\n" + result.output).isZero();
        assertThat(Files.readAllLines(report)).containsExactly(
                "cwd=" + workerHome.toRealPath(), "toolkit=", "toolkit_args=", "atb=",
                "arg=-m", "arg=voxcpm_worker", "arg=--device", "arg=cuda");
    }

    private static String entrypoint() {
        return RepoFiles.root().resolve("docker/worker-entrypoint.sh").toString();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private record Result(int exit, String output) {
    }

    private Result run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("VOXCPM_ASCEND_HOME", ascend.toString());
        env.put("VOXCPM_WORKER_HOME", workerHome.toString());
        env.put("STANDIN_REPORT", report.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("finished within 30 s").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), output);
    }
}
