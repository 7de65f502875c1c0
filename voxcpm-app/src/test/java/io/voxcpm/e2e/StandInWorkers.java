package io.voxcpm.e2e;

import io.voxcpm.bridge.PythonWorkerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * REAL Python model workers on loopback ({@code python3 -m voxcpm_worker --model standin}): the worker
 * process and its gRPC service are the real ones, only the model is the stand-in. Each is started by
 * npu-bridge's {@link PythonWorkerProcess}; their logs are read together, to see what reached the model side.
 */
public final class StandInWorkers implements AutoCloseable {

    public static final String MISSING = PythonWorkerProcess.MISSING;

    private final Map<String, PythonWorkerProcess> byAddress = new LinkedHashMap<>();
    /** Workers killed and started again on their address: their logs still count. */
    private final List<PythonWorkerProcess> replaced = new ArrayList<>();

    /** Whether this machine can run a worker: the interpreter, the worker's sources and its imports. */
    public static boolean runnable() {
        return PythonWorkerProcess.available();
    }

    /**
     * Starts a stand-in worker that waits {@code chunkDelaySeconds} per 160 ms chunk (its real-time factor
     * is that over 0.16) and returns its {@code host:port} once it listens.
     */
    public String start(double chunkDelaySeconds) throws IOException, InterruptedException {
        return start(chunkDelaySeconds, "127.0.0.1:0", List.of());
    }

    /** A worker killed earlier, started again on its address: the server's channel reconnects to it. */
    public String restart(String address, double chunkDelaySeconds) throws IOException, InterruptedException {
        kill(address);
        replaced.add(byAddress.remove(address));
        return start(chunkDelaySeconds, address, List.of());
    }

    /** A worker started with extra command-line options (e.g. {@code --auth-token-file}, {@code --tls-cert}). */
    public String start(double chunkDelaySeconds, List<String> options) throws IOException, InterruptedException {
        return start(chunkDelaySeconds, "127.0.0.1:0", options);
    }

    private String start(double chunkDelaySeconds, String listen, List<String> options)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--standin-chunk-delay", String.valueOf(chunkDelaySeconds)));
        args.addAll(options);
        PythonWorkerProcess worker = PythonWorkerProcess.start(listen, args);
        byAddress.put(worker.address(), worker);
        return worker.address();
    }

    /** The started workers' addresses, in the order they were started. */
    List<String> addresses() {
        return List.copyOf(byAddress.keySet());
    }

    /** SIGKILL, as a crash: no goodbye to the server. */
    void kill(String address) throws InterruptedException {
        PythonWorkerProcess worker = byAddress.get(address);
        if (worker == null) {
            throw new IllegalArgumentException("no worker at " + address + "; started: " + byAddress.keySet());
        }
        worker.kill();
    }

    /** Everything the workers printed so far, worker by worker. */
    public String log() {
        StringBuilder all = new StringBuilder();
        for (PythonWorkerProcess worker : replaced) {
            worker.log().forEach(line -> all.append(line).append('\n'));
        }
        for (PythonWorkerProcess worker : byAddress.values()) {
            worker.log().forEach(line -> all.append(line).append('\n'));
        }
        return all.toString();
    }

    @Override
    public void close() {
        for (PythonWorkerProcess worker : byAddress.values()) {
            try {
                worker.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
