package io.voxcpm.bridge;

import io.voxcpm.bridge.proto.Mode;
import io.voxcpm.bridge.proto.SynthesizeRequest;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * VoxCPM2 served by a pool of gRPC model workers ({@code voxcpm_worker.proto}). The mode and the
 * generation parameters come from the request as the planner checked them (the context's session tag
 * tags the logs and the worker's request), the design description and clone style from {@link io.voxcpm.engine.VoiceSpec#description()},
 * the reference recording of a named voice from the {@link VoiceSource}.
 */
public final class WorkerEngine implements SpeechEngine {

    public static final String NAME = "voxcpm2";
    public static final int SAMPLE_RATE = 48_000;

    private final WorkerPool pool;
    private final VoiceSource voices;

    public WorkerEngine(WorkerPool pool, VoiceSource voices) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.voices = Objects.requireNonNull(voices, "voices");
    }

    /** Starts a pool from {@code config}; the engine owns it and closes it. */
    public static WorkerEngine start(WorkerPoolConfig config, VoiceSource voices) {
        return new WorkerEngine(WorkerPool.start(config), voices);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int sampleRate() {
        return SAMPLE_RATE;
    }

    /** The endpoints and their state, for monitoring. */
    public List<EndpointStatus> endpoints() {
        return pool.status();
    }

    /**
     * Ready while some endpoint is healthy (per its last call or health check), its circuit closed and
     * under its concurrency limit: what a fallback chain checks before it sends a request here.
     */
    @Override
    public Availability availability() {
        List<EndpointStatus> all = pool.status();
        int open = 0;
        int failing = 0;
        int full = 0;
        for (EndpointStatus ep : all) {
            if (ep.circuit() != EndpointStatus.Circuit.CLOSED) {
                open++;
            } else if (!ep.healthy()) {
                failing++;
            } else if (ep.inFlight() >= pool.config().maxConcurrentPerEndpoint()) {
                full++;
            } else {
                return Availability.ready(NAME);
            }
        }
        return Availability.unavailable(NAME, full > 0 ? "every healthy worker is at its concurrency limit"
                : "no healthy worker (" + all.size() + " endpoints: " + open + " circuit open, " + failing
                        + " failing)");
    }

    /**
     * Never blocks on the network; a request that cannot start (bad parameters, unknown voice, no
     * worker) is reported through {@code sink.onError} before this returns.
     */
    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        VoicePlan plan;
        try {
            plan = VoicePlan.resolve(request.voice(), request.mode(), voices);
        } catch (SynthesisException e) {
            sink.onError(e);
            return () -> { };
        }
        WorkerSynthesis synthesis = new WorkerSynthesis(pool, toProto(request, plan),
                plan.sample(), sink, request.context().tagOrDash(), SAMPLE_RATE);
        synthesis.start();
        return synthesis;
    }

    /** The request without its voice reference: the voice id is known only once an endpoint is chosen. */
    static SynthesizeRequest toProto(SynthesisRequest request, VoicePlan plan) {
        GenerationParameters g = request.generation();
        SynthesizeRequest.Builder b = SynthesizeRequest.newBuilder()
                .setText(request.text())
                .setMode(switch (plan.mode()) {
                    case ZERO_SHOT -> Mode.MODE_ZERO_SHOT;
                    case DESIGN -> Mode.MODE_DESIGN;
                    case CLONE -> Mode.MODE_CLONE;
                    case ULTIMATE_CLONE -> Mode.MODE_ULTIMATE_CLONE;
                })
                // zero on the wire is "the worker's default", as an unset field is in the request
                .setCfgValue(g.cfgValue() == null ? 0f : g.cfgValue().floatValue())
                .setInferenceTimesteps(g.inferenceTimesteps() == null ? 0 : g.inferenceTimesteps())
                .setSeed(g.seed() == null ? 0L : g.seed())
                .setMaxLength(g.maxLength() == null ? 0 : g.maxLength())
                .setRequestTag(request.context().tagOrDash());
        if (plan.description() != null) {
            b.setDescription(plan.description());
        }
        return b.build();
    }

    /**
     * Deletes these recordings from every worker (a removed voice must leave nothing behind). Blocks;
     * the returned lines say what each worker did.
     *
     * @throws IOException naming each worker that could not be reached or refused
     */
    public List<String> forgetVoices(List<VoiceSample> samples) throws IOException {
        List<String> lines = new ArrayList<>();
        for (VoiceSample sample : samples) {
            try {
                lines.addAll(pool.deleteVoice(sample).get(pool.config().rpcDeadline().toMillis() + 1000,
                        TimeUnit.MILLISECONDS));
            } catch (ExecutionException | CompletionException e) {
                throw new IOException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
            } catch (TimeoutException e) {
                throw new IOException("workers did not answer DeleteVoice within " + pool.config().rpcDeadline(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while deleting voice " + sample.name(), e);
            }
        }
        return lines;
    }

    @Override
    public void close() {
        pool.close();
    }
}
