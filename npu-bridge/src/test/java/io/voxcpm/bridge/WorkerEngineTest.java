package io.voxcpm.bridge;

import static io.voxcpm.bridge.WorkerRig.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.voxcpm.bridge.proto.Mode;
import io.voxcpm.bridge.proto.RegisterVoiceRequest;
import io.voxcpm.bridge.proto.SynthesizeRequest;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import com.google.protobuf.ByteString;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WorkerEngine and WorkerPool over real gRPC (Netty, loopback) against {@link StandInWorker}s. */
class WorkerEngineTest {

    @RegisterExtension
    final WorkerRig rig = new WorkerRig();

    private static SynthesisRequest request(String text) {
        return request(text, null, null);
    }

    private static SynthesisRequest request(String text, SynthesisMode mode, String session) {
        return new SynthesisRequest(text, null, VoiceSpec.DEFAULT, mode, GenerationParameters.NONE,
                RequestContext.session(session));
    }

    private static short[] awaitAudio(RecordingSink sink) throws Exception {
        return sink.done.get(10, TimeUnit.SECONDS);
    }

    private static SynthesisException awaitError(RecordingSink sink) throws Exception {
        return sink.error.get(10, TimeUnit.SECONDS);
    }

    @Test
    void streamsEveryChunkInOrderAsLittleEndianSamples() throws Exception {
        StandInWorker w = rig.standIn();
        w.chunks = 5;
        w.samplesPerChunk = 480;
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE);

        RecordingSink sink = run(engine, request("Hello there", null, "sess-1"));

        assertThat(awaitAudio(sink)).containsExactly(StandInWorker.expectedPcm("Hello there", 5, 480));
        assertThat(sink.chunks).hasValue(5);
        assertThat(sink.endings()).isEqualTo(1);
        SynthesizeRequest sent = w.requests.get(0);
        assertThat(sent.getMode()).isEqualTo(Mode.MODE_ZERO_SHOT);
        assertThat(sent.getRequestTag()).isEqualTo("sess-1");
        assertThat(engine.endpoints()).singleElement().satisfies(s -> {
            assertThat(s.inFlight()).isZero();
            assertThat(s.dispatched()).isEqualTo(1);
        });
    }

    @Test
    void designDescriptionAndGenerationParametersReachTheWorker() throws Exception {
        StandInWorker w = rig.standIn();
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE);
        SynthesisRequest req = new SynthesisRequest("Welcome", null,
                new VoiceSpec(null, null, null, "(A calm, low voice)"),
                null, new GenerationParameters(new BigDecimal("2.5"), 12, 42L, 900, null));

        awaitAudio(run(engine, req));

        SynthesizeRequest sent = w.requests.get(0);
        assertThat(sent.getMode()).isEqualTo(Mode.MODE_DESIGN);
        assertThat(sent.getDescription()).isEqualTo("A calm, low voice");
        assertThat(sent.getCfgValue()).isEqualTo(2.5f);
        assertThat(sent.getInferenceTimesteps()).isEqualTo(12);
        assertThat(sent.getSeed()).isEqualTo(42L);
        assertThat(sent.getMaxLength()).isEqualTo(900);
        assertThat(sent.hasVoiceId()).isFalse();
    }

    @Test
    void badRequestsFailBeforeAnyCall() throws Exception {
        StandInWorker w = rig.standIn();
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE);

        assertThat(awaitError(run(engine, request("x", SynthesisMode.DESIGN, null))).reason())
                .isEqualTo(Reason.INVALID_REQUEST);
        assertThat(awaitError(run(engine, new SynthesisRequest("x", null,
                new VoiceSpec("nobody", null, null, null), null, null))).reason())
                .isEqualTo(Reason.UNKNOWN_VOICE);
        assertThat(w.synthCalls).hasValue(0);
    }

    @Test
    void cancelStopsTheWorkerWithinAChunkAndEndsNothing() throws Exception {
        StandInWorker w = rig.standIn();
        w.chunks = 1000;
        w.chunkDelayMs = 20;
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE);
        RecordingSink sink = new RecordingSink();
        Synthesis synthesis = engine.synthesize(request("a long text"), sink);
        sink.firstChunk.get(5, TimeUnit.SECONDS);

        synthesis.cancel();
        int sentAtCancel = w.chunksSent.get();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(w.cancellations).hasValue(1));
        int sentAfter = w.chunksSent.get();
        Thread.sleep(200); // ten chunk periods: a worker still generating would show it
        synthesis.cancel();

        assertThat(w.chunksSent.get()).isEqualTo(sentAfter).isLessThanOrEqualTo(sentAtCancel + 1);
        assertThat(sink.endings()).isZero();
        await().untilAsserted(() -> assertThat(engine.endpoints().get(0).inFlight()).isZero());
        assertThat(engine.endpoints().get(0).consecutiveFailures()).isZero();
    }

    @Test
    void workerKilledMidStreamFailsWithinASecondAndTheNextRequestGoesElsewhere() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        a.chunks = 1000;
        a.chunkDelayMs = 20;
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE);
        RecordingSink first = run(engine, request("doomed"));
        first.firstChunk.get(5, TimeUnit.SECONDS);
        assertThat(a.synthCalls).hasValue(1);

        long killedAt = System.nanoTime();
        a.kill();

        await().atMost(Duration.ofSeconds(1)).until(first.error::isDone);
        System.out.printf("worker server shutdownNow -> onError: %.1f ms%n", (System.nanoTime() - killedAt) / 1e6);
        assertThat(first.error.get().reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(awaitAudio(run(engine, request("next one")))).containsExactly(
                StandInWorker.expectedPcm("next one", b.chunks, b.samplesPerChunk));
        assertThat(b.synthCalls).hasValue(1);
        assertThat(a.synthCalls).hasValue(1);
    }

    @Test
    void workerProcessKilledMidStreamFailsWithinASecond() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StandInWorker.class.getName(), "1000", "20").redirectErrorStream(true).start();
        rig.closeAfter(process::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
            // start-up chatter
        }
        assertThat(line).as("stand-in worker process printed its port").isNotNull();
        int port = Integer.parseInt(line.substring(5).trim());
        StandInWorker b = rig.standIn();
        WorkerEngine engine = rig.engine("127.0.0.1:" + port + "," + b.address(), VoiceSource.NONE);
        RecordingSink first = run(engine, request("doomed"));
        first.firstChunk.get(10, TimeUnit.SECONDS);

        long killedAt = System.nanoTime();
        process.destroyForcibly(); // SIGKILL: no goodbye, the kernel closes the socket

        await().atMost(Duration.ofSeconds(1)).until(first.error::isDone);
        System.out.printf("worker process SIGKILL -> onError: %.1f ms%n", (System.nanoTime() - killedAt) / 1e6);
        assertThat(first.error.get().reason()).isEqualTo(Reason.ENGINE_FAILURE);
        awaitAudio(run(engine, request("next one")));
        assertThat(b.synthCalls).hasValue(1);
    }

    @Test
    void unavailableBeforeTheFirstChunkIsRetriedOnAnotherEndpoint() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        a.failAfterChunks = 0;
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE);

        RecordingSink sink = run(engine, request("retry me"));
        short[] audio = awaitAudio(sink);

        assertThat(audio).containsExactly(StandInWorker.expectedPcm("retry me", b.chunks, b.samplesPerChunk));
        assertThat(sink.servedBy).as("each attempt names its endpoint; the last one served")
                .containsExactly(a.address(), b.address());
        assertThat(a.synthCalls).hasValue(1);
        assertThat(b.synthCalls).hasValue(1);
    }

    @Test
    void resourceExhaustedEverywhereEndsAsOverloaded() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        for (StandInWorker w : List.of(a, b)) {
            w.failAfterChunks = 0;
            w.failStatus = Status.RESOURCE_EXHAUSTED.withDescription("queue full");
        }
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE);

        SynthesisException e = awaitError(run(engine, request("busy")));

        assertThat(e.reason()).isEqualTo(Reason.OVERLOADED);
        assertThat(e.getMessage()).contains("queue full");
        assertThat(a.synthCalls).hasValue(1);
        assertThat(b.synthCalls).hasValue(1);
        assertThat(engine.endpoints()).allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero());
    }

    @Test
    void noRetryOnceAudioHasBeenDelivered() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        a.chunks = 10;
        a.failAfterChunks = 2;
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE);

        RecordingSink sink = run(engine, request("half"));
        SynthesisException e = awaitError(sink);

        assertThat(e.reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(sink.samples()).containsExactly(StandInWorker.expectedPcm("half", 2, a.samplesPerChunk));
        assertThat(b.synthCalls).hasValue(0);
    }

    @Test
    void invalidArgumentIsNotRetried() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        a.failAfterChunks = 0;
        a.failStatus = Status.INVALID_ARGUMENT.withDescription("text too long");
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE);

        SynthesisException e = awaitError(run(engine, request("bad")));

        assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("text too long");
        assertThat(b.synthCalls).hasValue(0);
    }

    @Test
    void routesToTheLeastLoadedEndpointWithinItsConcurrencyLimit() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        a.hold = true;
        b.hold = true;
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE,
                WorkerPoolConfig.MAX_CONCURRENT, "2");
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sinks.add(run(engine, request("held " + i)));
        }
        await().untilAsserted(() -> {
            assertThat(a.active).hasValue(2);
            assertThat(b.active).hasValue(2);
        });

        SynthesisException full = awaitError(run(engine, request("one too many")));
        assertThat(full.reason()).isEqualTo(Reason.OVERLOADED);

        a.releaseHeld();
        await().untilAsserted(() -> assertThat(engine.endpoints().get(0).inFlight()).isZero());
        RecordingSink sixth = run(engine, request("after release"));
        awaitAudio(sixth);
        assertThat(a.synthCalls).hasValue(3);
        assertThat(b.synthCalls).hasValue(2);

        b.releaseHeld();
        for (RecordingSink s : sinks) {
            awaitAudio(s);
        }
    }

    @Test
    void circuitOpensAfterConsecutiveFailuresAndClosesAfterAHealthyProbe() throws Exception {
        StandInWorker w = rig.standIn();
        w.failAfterChunks = 0;
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE,
                WorkerPoolConfig.BREAKER_THRESHOLD, "2",
                WorkerPoolConfig.BREAKER_INITIAL_BACKOFF, "300ms",
                WorkerPoolConfig.HEALTH_INTERVAL, "1h");

        assertThat(awaitError(run(engine, request("one"))).reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(awaitError(run(engine, request("two"))).reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(engine.endpoints().get(0).circuit()).isEqualTo(EndpointStatus.Circuit.OPEN);
        w.setServing(false);

        assertThat(awaitError(run(engine, request("three"))).reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(w.synthCalls).as("an open circuit sends nothing").hasValue(2);
        Thread.sleep(700); // more than the first backoff: a NOT_SERVING probe must keep it open
        assertThat(engine.endpoints().get(0).circuit()).isNotEqualTo(EndpointStatus.Circuit.CLOSED);

        w.failAfterChunks = -1;
        w.setServing(true);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(engine.endpoints().get(0).circuit()).isEqualTo(EndpointStatus.Circuit.CLOSED));
        awaitAudio(run(engine, request("four")));
        assertThat(w.synthCalls).hasValue(3);
    }

    @Test
    void dnsNameResolvesToItsAddresses() throws Exception {
        StandInWorker w = rig.standIn();
        WorkerEngine engine = rig.engine("dns:///localhost:" + w.port(), VoiceSource.NONE);

        assertThat(engine.endpoints()).extracting(EndpointStatus::address).contains(w.address());
        // localhost may also resolve to ::1, where nothing listens: the pool must get past it.
        awaitAudio(run(engine, request("via dns")));
        assertThat(w.synthCalls).hasValue(1);
    }

    @Test
    void registeredVoicesArePushedOncePerEndpoint() throws Exception {
        StandInWorker a = rig.standIn();
        StandInWorker b = rig.standIn();
        VoiceSample alice = new VoiceSample("alice", new byte[] {82, 73, 70, 70, 1, 2, 3, 4}, "Hello, I am Alice.");
        VoiceSource voices = name -> name.equals("alice") ? Optional.of(alice) : Optional.empty();
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), voices);
        SynthesisRequest req = new SynthesisRequest("Speak as Alice", null,
                new VoiceSpec("alice", null, null, null), null, null);
        String expectedId = StandInWorker.voiceIdFor(RegisterVoiceRequest.newBuilder()
                .setWav(ByteString.copyFrom(alice.wav())).setTranscript(alice.transcript()).build());

        for (int i = 0; i < 4; i++) {
            awaitAudio(run(engine, req));
        }

        assertThat(a.synthCalls).hasValue(2);
        assertThat(b.synthCalls).hasValue(2);
        assertThat(a.registerCalls).hasValue(1);
        assertThat(b.registerCalls).hasValue(1);
        assertThat(a.hasVoiceCalls.get() + b.hasVoiceCalls.get()).as("the second worker is asked first").isEqualTo(1);
        assertThat(List.of(a.requests, b.requests)).flatMap(l -> l).allSatisfy(r -> {
            assertThat(r.getVoiceId()).isEqualTo(expectedId);
            assertThat(r.getMode()).isEqualTo(Mode.MODE_ULTIMATE_CLONE);
        });

        a.forgetVoices(); // as after a worker restart
        b.forgetVoices();
        awaitAudio(run(engine, req));
        assertThat(a.registerCalls.get() + b.registerCalls.get()).isEqualTo(3);
    }
}
