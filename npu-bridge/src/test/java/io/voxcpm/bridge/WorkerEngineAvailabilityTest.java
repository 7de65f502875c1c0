package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SynthesisRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a fallback chain reads from the pool: health checks, circuit breakers, in-flight limits. */
class WorkerEngineAvailabilityTest {

    private StandInWorker worker;
    private WorkerEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private WorkerEngine engine(String endpoints) {
        engine = WorkerEngine.start(WorkerPoolConfig.fromProperties(Map.of(
                WorkerPoolConfig.ENDPOINTS, endpoints,
                WorkerPoolConfig.MAX_CONCURRENT, "1",
                WorkerPoolConfig.HEALTH_INTERVAL, "100ms",
                WorkerPoolConfig.RPC_DEADLINE, "1s",
                WorkerPoolConfig.BREAKER_INITIAL_BACKOFF, "100ms",
                WorkerPoolConfig.BREAKER_MAX_BACKOFF, "200ms")), VoiceSource.NONE);
        return engine;
    }

    private static boolean ready(WorkerEngine e) {
        return e.availability().state() == Availability.State.READY;
    }

    @Test
    void aFullWorkerIsUnavailableUntilItsCallEnds() throws Exception {
        worker = StandInWorker.start();
        WorkerEngine e = engine(worker.address());
        assertThat(e.availability()).isEqualTo(Availability.ready("voxcpm2"));
        worker.hold = true;
        RecordingSink sink = new RecordingSink();
        e.synthesize(SynthesisRequest.of("Hold on."), sink);
        await().until(() -> !ready(e));
        assertThat(e.availability().reason()).isEqualTo("every healthy worker is at its concurrency limit");
        worker.releaseHeld();
        await().until(() -> ready(e));
    }

    @Test
    void aWorkerThatIsNotServingOrDeadIsUnavailableAndComesBack() throws Exception {
        worker = StandInWorker.start();
        int port = worker.port();
        WorkerEngine e = engine(worker.address());
        worker.setServing(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ready(e));
        assertThat(e.availability()).isEqualTo(Availability.unavailable("voxcpm2",
                "no healthy worker (1 endpoints: 0 circuit open, 1 failing)"));
        worker.setServing(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> ready(e));

        worker.close(); // dead: every call and connection torn down
        await().atMost(Duration.ofSeconds(10))
                .until(() -> String.valueOf(e.availability().reason()).contains("1 circuit open"));
        worker = StandInWorker.startOn(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> ready(e));
    }
}
