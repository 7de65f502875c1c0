package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hung worker is dead air for the caller: a stream silent past the first-chunk or between-chunk timeout
 * is cancelled, ends the synthesis with a reason naming the stall, and counts against the endpoint.
 */
class WorkerStallTest {

    @RegisterExtension
    final WorkerRig rig = new WorkerRig();

    /** The first chunk may take a while on a busy machine (a new connection); the stall between chunks is short. */
    private WorkerEngine engine(StandInWorker w) {
        return engine(w, "10s", "300ms");
    }

    private WorkerEngine engine(StandInWorker w, String firstChunk, String betweenChunks) {
        return rig.engine(w.address(), VoiceSource.NONE,
                WorkerPoolConfig.BREAKER_THRESHOLD, "2",
                StallTimeouts.FIRST_CHUNK, firstChunk,
                StallTimeouts.BETWEEN_CHUNKS, betweenChunks,
                WorkerPoolConfig.HEALTH_INTERVAL, "1h"); // only calls judge the endpoint here
    }

    @Test
    void aStreamSilentAfterItsFirstChunkEndsWithTheStall() throws Exception {
        StandInWorker w = rig.standIn();
        w.hold = true; // one chunk, then nothing
        WorkerEngine engine = engine(w);
        RecordingSink sink = new RecordingSink();
        engine.synthesize(SynthesisRequest.of("Hello there"), sink);
        SynthesisException e = sink.error.get(30, TimeUnit.SECONDS); // the JVM's first gRPC call is slow on a busy machine
        assertThat(e.reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(e.getMessage()).contains("stalled", "no audio for 300 ms after 1 chunks", StallTimeouts.BETWEEN_CHUNKS);
        assertThat(sink.samples()).hasSize(w.samplesPerChunk);
        await().atMost(5, TimeUnit.SECONDS).until(() -> w.cancellations.get() == 1);
        EndpointStatus status = engine.endpoints().get(0);
        assertThat(status.consecutiveFailures()).isEqualTo(1);
        assertThat(status.healthy()).isFalse();
        assertThat(status.inFlight()).isZero();
    }

    @Test
    void aWorkerThatNeverStartsEndsWithTheFirstChunkTimeoutAndOpensItsCircuit() throws Exception {
        StandInWorker w = rig.standIn();
        w.firstChunkDelayMs = 60_000;
        WorkerEngine engine = engine(w, "400ms", "300ms");
        for (int i = 1; i <= 2; i++) {
            RecordingSink sink = new RecordingSink();
            engine.synthesize(SynthesisRequest.of("Hello " + i), sink);
            SynthesisException e = sink.error.get(30, TimeUnit.SECONDS);
            assertThat(e.getMessage()).contains("no audio within 400 ms", StallTimeouts.FIRST_CHUNK);
            assertThat(sink.samples()).isEmpty();
        }
        assertThat(engine.endpoints().get(0).circuit()).isEqualTo(EndpointStatus.Circuit.OPEN);
    }

    @Test
    void aSlowButSteadyStreamIsNotAStall() throws Exception {
        StandInWorker w = rig.standIn();
        w.chunks = 6;
        w.chunkDelayMs = 300; // well under the 2 s allowed between chunks, 1.8 s in all
        w.firstChunkDelayMs = 500;
        WorkerEngine engine = engine(w, "10s", "2s");
        RecordingSink sink = new RecordingSink();
        engine.synthesize(SynthesisRequest.of("steady"), sink);
        assertThat(sink.done.get(30, TimeUnit.SECONDS)).hasSize(6 * w.samplesPerChunk);
        assertThat(engine.endpoints().get(0).consecutiveFailures()).isZero();
    }
}
