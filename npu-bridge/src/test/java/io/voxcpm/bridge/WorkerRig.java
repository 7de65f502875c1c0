package io.voxcpm.bridge;

import io.voxcpm.engine.SynthesisRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every worker test sets up: workers (the in-process {@link StandInWorker} or the real Python worker
 * process) and the {@link WorkerEngine}s in front of them, all closed after each test, the last opened first.
 * Register it with {@code @RegisterExtension final WorkerRig rig = new WorkerRig();}.
 */
final class WorkerRig implements AfterEachCallback {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** An in-process stand-in worker on an ephemeral loopback port. */
    StandInWorker standIn() throws Exception {
        return closeAfter(StandInWorker.start());
    }

    /** The real Python worker ({@code --model standin}) on {@code port} (0: any), with extra arguments. */
    PythonWorkerProcess python(int port, String... args) throws Exception {
        return closeAfter(PythonWorkerProcess.start(port, args));
    }

    /** A worker engine over {@code endpoints} ({@code host:port,...}); {@code settings} are more pool keys and values. */
    WorkerEngine engine(String endpoints, VoiceSource voices, String... settings) {
        Map<String, String> props = new HashMap<>();
        props.put(WorkerPoolConfig.ENDPOINTS, endpoints);
        for (int i = 0; i < settings.length; i += 2) {
            props.put(settings[i], settings[i + 1]);
        }
        return closeAfter(WorkerEngine.start(WorkerPoolConfig.fromProperties(props), voices));
    }

    /** Starts one synthesis; the sink completes with its audio or its error. */
    static RecordingSink run(WorkerEngine engine, SynthesisRequest request) {
        RecordingSink sink = new RecordingSink();
        engine.synthesize(request, sink);
        return sink;
    }

    <T extends AutoCloseable> T closeAfter(T closeable) {
        open.push(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (AutoCloseable c; (c = open.poll()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
