package io.voxcpm.bridge;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.voxcpm.bridge.WorkerPool.Outcome;
import io.voxcpm.bridge.proto.AudioChunk;
import io.voxcpm.bridge.proto.SynthesisSummary;
import io.voxcpm.bridge.proto.SynthesizeRequest;
import io.voxcpm.bridge.proto.SynthesizeResponse;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One synthesis over the pool: picks an endpoint, pushes the voice if needed, streams the audio, and
 * moves to another endpoint only while no audio has reached the sink.
 */
final class WorkerSynthesis implements Synthesis {

    private static final Logger log = LoggerFactory.getLogger(WorkerSynthesis.class);

    private final WorkerPool pool;
    private final SynthesizeRequest request;
    private final VoiceSample sample;
    private final AudioSink sink;
    private final String session;
    private final int sampleRate;
    private final AtomicBoolean finished = new AtomicBoolean();

    // Guarded by this.
    private final Set<WorkerEndpoint> tried = new HashSet<>();
    private int attempts;
    /** Endpoints that lost our voice once already: a second NOT_FOUND there is final. */
    private final Set<WorkerEndpoint> voiceRefreshed = new HashSet<>();
    private ClientCallStreamObserver<SynthesizeRequest> call;
    private volatile boolean cancelled;
    private volatile boolean audioStarted;

    WorkerSynthesis(WorkerPool pool, SynthesizeRequest request, VoiceSample sample, AudioSink sink, String session,
            int sampleRate) {
        this.pool = pool;
        this.request = request;
        this.sample = sample;
        this.sink = sink;
        this.session = session;
        this.sampleRate = sampleRate;
    }

    void start() {
        attempt(null);
    }

    @Override
    public void cancel() {
        ClientCallStreamObserver<SynthesizeRequest> current;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            current = call;
        }
        if (current != null) {
            current.cancel("cancelled by client", null);
        }
        log.debug("[{}] synthesis cancelled", session);
    }

    private void attempt(Status lastFailure) {
        WorkerEndpoint ep = null;
        SynthesisException failure = null;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            if (attempts >= pool.config().maxAttempts()) {
                failure = GrpcStatusMapping.toException(lastFailure, "worker");
            } else {
                try {
                    ep = pool.acquire(tried);
                    attempts++;
                    tried.add(ep);
                } catch (SynthesisException e) {
                    // After a failed attempt its status says more than "no other endpoint left".
                    failure = lastFailure != null ? GrpcStatusMapping.toException(lastFailure, "worker") : e;
                }
            }
        }
        if (failure != null) {
            fail(failure);
            return;
        }
        WorkerEndpoint chosen = ep;
        sink.servedBy(chosen.address); // before any audio: records name the worker, not just the pool
        if (sample == null) {
            stream(chosen, null);
            return;
        }
        pool.ensureVoice(chosen, sample, session).whenComplete((voiceId, err) -> {
            if (err == null) {
                stream(chosen, voiceId);
            } else {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                failed(chosen, Status.fromThrowable(cause).augmentDescription("registering voice " + sample.name()));
            }
        });
    }

    private void stream(WorkerEndpoint ep, String voiceId) {
        if (cancelled) {
            pool.release(ep, Outcome.NEUTRAL, Status.CANCELLED, session);
            return;
        }
        SynthesizeRequest req = voiceId == null ? request : request.toBuilder().setVoiceId(voiceId).build();
        log.debug("[{}] synthesizing on {} (attempt {})", session, ep, attempts);
        Attempt attempt = new Attempt(ep);
        ep.worker.withDeadlineAfter(pool.config().synthesisDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .synthesize(req, attempt);
        attempt.watch(pool.config().stall().firstChunk().toNanos());
    }

    /** A call that ended without success; decides between retry and giving up. */
    private void failed(WorkerEndpoint ep, Status status) {
        boolean ours = cancelled;
        pool.release(ep, ours ? Outcome.NEUTRAL
                : GrpcStatusMapping.blamesEndpoint(status) ? Outcome.ENDPOINT_FAILURE : Outcome.NEUTRAL, status, session);
        if (ours) {
            return;
        }
        if (!audioStarted) {
            synchronized (this) {
                if (status.getCode() == Status.Code.NOT_FOUND && sample != null && voiceRefreshed.add(ep)) {
                    // The worker restarted and lost the voice: push it again on next use, and retry.
                    pool.forgetVoice(ep, sample);
                    tried.remove(ep);
                    attempts--;
                    log.info("[{}] worker {} lost voice '{}'; pushing it again", session, ep, sample.name());
                } else if (GrpcStatusMapping.retryableBeforeAudio(status)) {
                    log.info("[{}] worker {} answered {} before any audio; trying another", session, ep,
                            status.getCode());
                } else {
                    ep = null;
                }
            }
            if (ep != null) {
                attempt(status);
                return;
            }
        }
        fail(GrpcStatusMapping.toException(status, "worker"));
    }

    private void fail(SynthesisException e) {
        if (!cancelled && finished.compareAndSet(false, true)) {
            log.info("[{}] synthesis failed: {} {}", session, e.reason(), e.getMessage());
            sink.onError(e);
        }
    }

    /** One Synthesize call; gRPC delivers its callbacks one at a time, in order. */
    private final class Attempt implements ClientResponseObserver<SynthesizeRequest, SynthesizeResponse> {

        private final WorkerEndpoint ep;
        private final PcmDecoder decoder = new PcmDecoder();
        private int nextSequence;
        private SynthesisSummary summary;
        private SynthesisException violation;
        private final long startNanos = System.nanoTime();
        /** When the last audio chunk arrived; 0 before the first. Written by gRPC's thread, read by the timer. */
        private volatile long lastChunkNanos;
        private volatile int chunks;
        private volatile boolean ended;
        /** Why the stream was cancelled as stalled; null while it is not. */
        private volatile String stalled;

        Attempt(WorkerEndpoint ep) {
            this.ep = ep;
        }

        /** Comes back after {@code delayNanos} to see whether audio has arrived since. */
        void watch(long delayNanos) {
            if (!ended) {
                pool.schedule(this::checkStall, delayNanos);
            }
        }

        /** On the pool's timer: one check per timeout period, not one timer per chunk. */
        private void checkStall() {
            if (ended || cancelled) {
                return;
            }
            StallTimeouts limits = pool.config().stall();
            long now = System.nanoTime();
            long last = lastChunkNanos;
            long limit = last == 0 ? limits.firstChunk().toNanos() : limits.betweenChunks().toNanos();
            long since = now - (last == 0 ? startNanos : last);
            if (since < limit) {
                watch(limit - since);
                return;
            }
            String why = last == 0
                    ? "no audio within " + millis(limit) + " of the request (" + StallTimeouts.FIRST_CHUNK + ")"
                    : "no audio for " + millis(limit) + " after " + chunks + " chunks (" + StallTimeouts.BETWEEN_CHUNKS + ")";
            stalled = why;
            log.warn("[{}] worker {} stalled: {}; cancelling the stream", session, ep, why);
            ClientCallStreamObserver<SynthesizeRequest> c;
            synchronized (WorkerSynthesis.this) {
                c = call;
            }
            if (c != null) {
                c.cancel("stalled: " + why, null);
            }
        }

        private static String millis(long nanos) {
            long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
            return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SynthesizeRequest> requestStream) {
            boolean cancelNow;
            synchronized (WorkerSynthesis.this) {
                cancelNow = cancelled;
                call = requestStream;
            }
            if (cancelNow) {
                requestStream.cancel("cancelled by client", null);
            }
        }

        @Override
        public void onNext(SynthesizeResponse response) {
            if (response.hasSummary()) {
                summary = response.getSummary();
                return;
            }
            if (!response.hasChunk() || violation != null) {
                return;
            }
            AudioChunk chunk = response.getChunk();
            if (chunk.getSequence() != nextSequence) {
                protocolViolation("chunk " + chunk.getSequence() + " arrived, expected " + nextSequence);
                return;
            }
            if (chunk.getSampleRate() != 0 && chunk.getSampleRate() != sampleRate) {
                protocolViolation("worker sends " + chunk.getSampleRate() + " Hz, expected " + sampleRate);
                return;
            }
            nextSequence++;
            chunks++;
            lastChunkNanos = System.nanoTime();
            short[] samples = decoder.decode(chunk.getPcm().asReadOnlyByteBuffer());
            if (samples.length > 0 && !cancelled) {
                audioStarted = true;
                sink.onAudio(samples);
            }
        }

        private void protocolViolation(String message) {
            violation = new SynthesisException(Reason.ENGINE_FAILURE, "worker " + ep + " broke the protocol: " + message);
            synchronized (WorkerSynthesis.this) {
                call.cancel(message, null);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
            if (stalled != null) {
                // a hung worker: counted against the endpoint, and the synthesis ends (a chain moves on)
                pool.release(ep, Outcome.ENDPOINT_FAILURE, Status.DEADLINE_EXCEEDED.withDescription(stalled), session);
                fail(new SynthesisException(Reason.ENGINE_FAILURE, "worker " + ep + " stalled: " + stalled));
                return;
            }
            if (violation != null) {
                pool.release(ep, Outcome.ENDPOINT_FAILURE, Status.INTERNAL.withDescription(violation.getMessage()), session);
                fail(violation);
                return;
            }
            failed(ep, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended = true;
            pool.release(ep, Outcome.SUCCESS, Status.OK, session);
            if (decoder.hasDanglingByte()) {
                fail(new SynthesisException(Reason.ENGINE_FAILURE, "worker " + ep + " ended the stream mid-sample"));
                return;
            }
            if (summary != null) {
                log.info("[{}] synthesized on {}: {} chunks, {} s audio in {} s, first chunk {} s, queued {} s{}{}",
                        session, ep, summary.getChunks(), summary.getAudioSeconds(), summary.getGenerationSeconds(),
                        summary.getFirstChunkSeconds(), summary.getQueueSeconds(),
                        summary.getReferenceSha256().isEmpty() ? ""
                                : ", reference " + summary.getReferenceSha256().substring(0, Math.min(16,
                                        summary.getReferenceSha256().length())),
                        summary.getSeededBy().isEmpty() ? "" : ", seeded by " + summary.getSeededBy());
            }
            if (!cancelled && finished.compareAndSet(false, true)) {
                sink.onComplete();
            }
        }
    }
}
