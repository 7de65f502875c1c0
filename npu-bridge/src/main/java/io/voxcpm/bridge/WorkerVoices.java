package io.voxcpm.bridge;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.voxcpm.bridge.proto.DeleteVoiceRequest;
import io.voxcpm.bridge.proto.DeleteVoiceResponse;
import io.voxcpm.bridge.proto.HasVoiceRequest;
import io.voxcpm.bridge.proto.HasVoiceResponse;
import io.voxcpm.bridge.proto.RegisterVoiceRequest;
import io.voxcpm.bridge.proto.RegisterVoiceResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered voices on the workers: pushed to each worker on first use (RegisterVoice, or HasVoice when
 * another worker already told us the id), remembered per endpoint, and deleted from all of them.
 */
final class WorkerVoices {

    private static final Logger log = LoggerFactory.getLogger(WorkerVoices.class);

    private final WorkerPoolConfig config;
    /** Content hash -> voice id, learned from any worker; ids are content-derived so they hold on all. */
    private final Map<String, String> knownVoiceIds = new ConcurrentHashMap<>();

    WorkerVoices(WorkerPoolConfig config) {
        this.config = config;
    }

    /**
     * The worker's id for {@code sample}, registering it there first when needed: a voice already known
     * from another worker is checked with HasVoice (no upload when present), an unknown one is uploaded.
     * Cached per endpoint; a failed push is forgotten so the next use tries again.
     */
    CompletableFuture<String> ensure(WorkerEndpoint ep, VoiceSample sample, String session) {
        String hash = sample.contentHash();
        CompletableFuture<String> f = ep.voices.computeIfAbsent(hash, h -> pushVoice(ep, sample, h, session));
        f.whenComplete((id, err) -> {
            if (err != null) {
                ep.voices.remove(hash, f);
            }
        });
        return f;
    }

    /** The worker lost a voice we thought it had (it restarted): push again on next use. */
    void forget(WorkerEndpoint ep, VoiceSample sample) {
        ep.voices.remove(sample.contentHash());
    }

    private CompletableFuture<String> pushVoice(WorkerEndpoint ep, VoiceSample sample, String hash, String session) {
        String known = knownVoiceIds.get(hash);
        if (known == null) {
            return register(ep, sample, hash, session);
        }
        Unary<HasVoiceResponse> has = new Unary<>();
        ep.worker.withDeadlineAfter(config.rpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .hasVoice(HasVoiceRequest.newBuilder().setVoiceId(known).build(), has);
        return has.future.thenCompose(r -> r.getPresent()
                ? CompletableFuture.completedFuture(known)
                : register(ep, sample, hash, session));
    }

    private CompletableFuture<String> register(WorkerEndpoint ep, VoiceSample sample, String hash, String session) {
        RegisterVoiceRequest.Builder req = RegisterVoiceRequest.newBuilder().setWav(ByteString.copyFrom(sample.wav()));
        if (sample.hasTranscript()) {
            req.setTranscript(sample.transcript());
        }
        Unary<RegisterVoiceResponse> call = new Unary<>();
        ep.worker.withDeadlineAfter(config.rpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .registerVoice(req.build(), call);
        return call.future.thenApply(r -> {
            knownVoiceIds.put(hash, r.getVoiceId());
            log.info("[{}] voice '{}' pushed to worker {} as {}{}", session, sample.name(), ep, r.getVoiceId(),
                    r.getAlreadyRegistered() ? " (already registered)" : "");
            return r.getVoiceId();
        });
    }

    /**
     * Deletes a voice from every endpoint (each answers whether it held it) and forgets that it was
     * pushed. Completes with one line per endpoint; exceptionally, naming the endpoints, when any failed.
     */
    CompletableFuture<List<String>> delete(List<WorkerEndpoint> all, VoiceSample sample) {
        String id = sample.workerVoiceId();
        knownVoiceIds.remove(sample.contentHash());
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (WorkerEndpoint ep : all) {
            ep.voices.remove(sample.contentHash());
            Unary<DeleteVoiceResponse> call = new Unary<>();
            ep.worker.withDeadlineAfter(config.rpcDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .deleteVoice(DeleteVoiceRequest.newBuilder().setVoiceId(id).build(), call);
            calls.add(call.future.handle((r, err) -> {
                if (err != null) {
                    throw new IllegalStateException("worker " + ep + " did not delete voice '" + sample.name() + "' ("
                            + id + "): " + Status.fromThrowable(err).getCode() + " "
                            + Status.fromThrowable(err).getDescription());
                }
                log.info("voice '{}' ({}) {} on worker {}", sample.name(), id,
                        r.getExisted() ? "deleted" : "was not held", ep);
                return "worker " + ep + ": voice '" + sample.name() + "' "
                        + (r.getExisted() ? "deleted" : "not held (nothing to delete)");
            }));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((v, err) -> {
            List<String> lines = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (CompletableFuture<String> c : calls) {
                try {
                    lines.add(c.join());
                } catch (RuntimeException e) {
                    failures.add(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException(String.join("; ", failures));
            }
            return lines;
        });
    }
}
