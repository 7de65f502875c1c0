package io.voxcpm.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real Python model worker ({@code python3 -m voxcpm_worker}) with its stand-in model, as an OS
 * process on loopback. Its log is kept so tests can see what the worker did. The one worker launcher of the
 * build: npu-bridge's tests and voxcpm-app's end-to-end tests (through its test-jar) start workers with it.
 */
public final class PythonWorkerProcess implements AutoCloseable {

    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Surefire runs in the module directory: npu-bridge's own, or a sibling module's. */
    static final Path WORKER_DIR = Files.isDirectory(Path.of("worker", "voxcpm_worker"))
            ? Path.of("worker").toAbsolutePath()
            : Path.of("..", "npu-bridge", "worker").toAbsolutePath().normalize();
    public static final String MISSING = "SKIPPED: " + PYTHON + " lacks grpcio, grpcio-tools or numpy "
            + "(Debian: apt-get install python3-grpcio python3-grpc-tools python3-numpy)";

    private final Process process;
    /** Filled by the log reader thread as the worker writes. */
    private final List<String> log;
    private final int port;

    private PythonWorkerProcess(Process process, List<String> log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Whether {@link #PYTHON} has the packages the worker needs (Debian: python3-grpcio, -grpc-tools, -numpy). */
    public static boolean available() {
        if (!Files.isExecutable(PYTHON) || !Files.isDirectory(WORKER_DIR)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc, grpc_tools, numpy")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts a stand-in worker on {@code port} (0: any free one) and waits until it serves. */
    public static PythonWorkerProcess start(int port, String... extra) throws IOException, InterruptedException {
        return start("127.0.0.1:" + port, List.of(extra));
    }

    /** Starts a stand-in worker listening on {@code listen} ({@code host:port}) and waits until it serves. */
    public static PythonWorkerProcess start(String listen, List<String> extra) throws IOException, InterruptedException {
        Path portFile = Files.createTempDirectory("voxcpm-worker").resolve("port");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-m", "voxcpm_worker", "--model", "standin",
                "--device", "cpu", "--listen", listen, "--port-file", portFile.toString()));
        command.addAll(extra);
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORKER_DIR.toFile()).redirectErrorStream(true);
        Process process = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process died: what was read is kept
            }
        }, "python-worker-log");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile)) { // polled: the worker writes it once it serves
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("worker did not start (exit " + (process.isAlive() ? "-" : process.exitValue())
                        + "):\n" + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
        return new PythonWorkerProcess(process, lines, Integer.parseInt(Files.readString(portFile).trim()));
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Every line the worker logged so far. */
    public List<String> log() {
        return List.copyOf(log);
    }

    long logLinesMatching(String regex) {
        return log().stream().filter(l -> l.matches(".*" + regex + ".*")).count();
    }

    /** SIGKILL: no goodbye on the wire beyond what the kernel does for the dead process's sockets. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the worker drains and exits
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
