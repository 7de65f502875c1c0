package io.voxcpm.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * REAL Python model workers on loopback ({@code python3 -m voxcpm_worker --model standin}): the worker
 * process and its gRPC service are the real ones, only the model is the stand-in. Their output is
 * collected in one log, which tests read to see what reached the model side.
 */
public final class StandInWorkers implements AutoCloseable {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path WORKER_DIR = Path.of("..", "npu-bridge", "worker").toAbsolutePath().normalize();
    public static final String MISSING = "SKIPPED: " + PYTHON + " lacks grpcio, grpcio-tools or numpy "
            + "(Debian: apt-get install python3-grpcio python3-grpc-tools python3-numpy)";

    private final Map<String, Process> byAddress = new LinkedHashMap<>();
    private final StringBuilder log = new StringBuilder();

    /** Whether this machine can run a worker: the interpreter, the worker's sources and its imports. */
    public static boolean runnable() throws InterruptedException {
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
        }
    }

    /**
     * Starts a stand-in worker that waits {@code chunkDelaySeconds} per 160 ms chunk (its real-time factor
     * is that over 0.16) and returns its {@code host:port} once it listens.
     */
    public String start(double chunkDelaySeconds) throws IOException, InterruptedException {
        return start(chunkDelaySeconds, "127.0.0.1:0");
    }

    /** A worker killed earlier, started again on its address: the server's channel reconnects to it. */
    public String restart(String address, double chunkDelaySeconds) throws IOException, InterruptedException {
        kill(address);
        byAddress.get(address).waitFor(10, TimeUnit.SECONDS);
        return start(chunkDelaySeconds, address);
    }

    /** A worker started with extra command-line options (e.g. {@code --auth-token-file}, {@code --tls-cert}). */
    public String start(double chunkDelaySeconds, List<String> options) throws IOException, InterruptedException {
        return start(chunkDelaySeconds, "127.0.0.1:0", options);
    }

    private String start(double chunkDelaySeconds, String listen) throws IOException, InterruptedException {
        return start(chunkDelaySeconds, listen, List.of());
    }

    private String start(double chunkDelaySeconds, String listen, List<String> options)
            throws IOException, InterruptedException {
        Path portFile = Files.createTempDirectory("voxcpm-worker").resolve("port");
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), "-m", "voxcpm_worker",
                "--model", "standin", "--device", "cpu", "--listen", listen, "--port-file", portFile.toString(),
                "--standin-chunk-delay", String.valueOf(chunkDelaySeconds)));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(WORKER_DIR.toFile()).redirectErrorStream(true);
        Process process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the worker ended; a test that cares sees it in its exit or its answers
            }
        }, "python-worker-log");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("worker did not start:\n" + log());
            }
            Thread.sleep(20);
        }
        String address = "127.0.0.1:" + Files.readString(portFile).trim();
        byAddress.put(address, process);
        return address;
    }

    /** The started workers' addresses, in the order they were started. */
    List<String> addresses() {
        return List.copyOf(byAddress.keySet());
    }

    /** SIGKILL, as a crash: no goodbye to the server. */
    void kill(String address) {
        Process process = byAddress.get(address);
        if (process == null) {
            throw new IllegalArgumentException("no worker at " + address + "; started: " + byAddress.keySet());
        }
        process.destroyForcibly();
    }

    /** Everything the workers printed so far. */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() {
        byAddress.values().forEach(Process::destroyForcibly);
    }
}
