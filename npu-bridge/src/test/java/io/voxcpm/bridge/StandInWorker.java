package io.voxcpm.bridge;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.voxcpm.bridge.proto.AudioChunk;
import io.voxcpm.bridge.proto.HasVoiceRequest;
import io.voxcpm.bridge.proto.HasVoiceResponse;
import io.voxcpm.bridge.proto.InfoRequest;
import io.voxcpm.bridge.proto.InfoResponse;
import io.voxcpm.bridge.proto.RegisterVoiceRequest;
import io.voxcpm.bridge.proto.RegisterVoiceResponse;
import io.voxcpm.bridge.proto.SynthesisSummary;
import io.voxcpm.bridge.proto.SynthesizeRequest;
import io.voxcpm.bridge.proto.SynthesizeResponse;
import io.voxcpm.bridge.proto.VoxcpmWorkerGrpc;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE of the Python model worker: a real grpc-java server on 127.0.0.1 that speaks
 * voxcpm_worker.proto and the standard health service, producing deterministic PCM from the text.
 * Knobs change its behaviour between calls; counters show what the client did to it.
 */
final class StandInWorker implements AutoCloseable {

    // Knobs.
    volatile int chunks = 4;
    volatile int samplesPerChunk = 480;
    volatile long chunkDelayMs;
    /** Wait this long before the first chunk (a worker slow to start, or hung before any audio). */
    volatile long firstChunkDelayMs;
    /** Fail each call with {@link #failStatus} after this many chunks (0 = before any audio); -1 = never. */
    volatile int failAfterChunks = -1;
    volatile Status failStatus = Status.UNAVAILABLE.withDescription("stand-in told to fail");
    /** Park every call after its first chunk until {@link #releaseHeld()}. */
    volatile boolean hold;

    // Observations.
    final AtomicInteger synthCalls = new AtomicInteger();
    final AtomicInteger cancellations = new AtomicInteger();
    final AtomicInteger chunksSent = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger registerCalls = new AtomicInteger();
    final AtomicInteger hasVoiceCalls = new AtomicInteger();
    final List<SynthesizeRequest> requests = new CopyOnWriteArrayList<>();

    private final Map<String, RegisterVoiceRequest> voices = new ConcurrentHashMap<>();
    private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stand-in-worker");
        t.setDaemon(true);
        return t;
    });
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;

    private StandInWorker(int port) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new Service())
                .addService(health.getHealthService())
                .permitKeepAliveTime(100, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
    }

    static StandInWorker start() throws IOException {
        return new StandInWorker(0);
    }

    /** Restarts on a port that an earlier, killed stand-in used. */
    static StandInWorker startOn(int port) throws IOException {
        return new StandInWorker(port);
    }

    int port() {
        return server.getPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    void setServing(boolean serving) {
        health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    void releaseHeld() {
        hold = false;
        Runnable r;
        while ((r = held.poll()) != null) {
            clock.execute(r);
        }
    }

    void forgetVoices() {
        voices.clear();
    }

    /** Abrupt death: every call and connection is torn down now. */
    void kill() {
        server.shutdownNow();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clock.shutdownNow();
    }

    /** The audio this stand-in produces for {@code text}: chunk by chunk, concatenated. */
    static short[] expectedPcm(String text, int chunks, int samplesPerChunk) {
        short[] out = new short[chunks * samplesPerChunk];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample(text, i);
        }
        return out;
    }

    private static short sample(String text, int i) {
        // Distinct high and low bytes, so a byte-order mistake cannot go unnoticed.
        return (short) ((text.hashCode() + i * 7919) % 32000 - 16000 + (i & 1) * 257);
    }

    static String voiceIdFor(RegisterVoiceRequest r) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(r.getWav().toByteArray());
        d.update(r.getTranscript().getBytes(StandardCharsets.UTF_8));
        return "v-" + HexFormat.of().formatHex(d.digest()).substring(0, 16);
    }

    private final class Service extends VoxcpmWorkerGrpc.VoxcpmWorkerImplBase {

        @Override
        public void synthesize(SynthesizeRequest request, StreamObserver<SynthesizeResponse> out) {
            synthCalls.incrementAndGet();
            requests.add(request);
            if (request.hasVoiceId() && !voices.containsKey(request.getVoiceId())) {
                out.onError(Status.NOT_FOUND.withDescription("unknown voice " + request.getVoiceId()).asException());
                return;
            }
            ServerCallStreamObserver<SynthesizeResponse> call = (ServerCallStreamObserver<SynthesizeResponse>) out;
            Emission emission = new Emission(request, call, chunks, samplesPerChunk, chunkDelayMs, failAfterChunks,
                    failStatus);
            call.setOnCancelHandler(emission::cancelled);
            active.incrementAndGet();
            if (firstChunkDelayMs > 0) {
                clock.schedule(emission, firstChunkDelayMs, TimeUnit.MILLISECONDS);
            } else {
                clock.execute(emission);
            }
        }

        @Override
        public void registerVoice(RegisterVoiceRequest request, StreamObserver<RegisterVoiceResponse> out) {
            registerCalls.incrementAndGet();
            try {
                String id = voiceIdFor(request);
                boolean already = voices.putIfAbsent(id, request) != null;
                out.onNext(RegisterVoiceResponse.newBuilder().setVoiceId(id).setAlreadyRegistered(already).build());
                out.onCompleted();
            } catch (Exception e) {
                out.onError(Status.INTERNAL.withCause(e).asException());
            }
        }

        @Override
        public void hasVoice(HasVoiceRequest request, StreamObserver<HasVoiceResponse> out) {
            hasVoiceCalls.incrementAndGet();
            out.onNext(HasVoiceResponse.newBuilder().setPresent(voices.containsKey(request.getVoiceId())).build());
            out.onCompleted();
        }

        @Override
        public void info(InfoRequest request, StreamObserver<InfoResponse> out) {
            out.onNext(InfoResponse.newBuilder().setModelVersion("stand-in").setDevice("cpu").setSampleRate(48_000)
                    .setInstances(1).setQueueDepth(active.get()).build());
            out.onCompleted();
        }
    }

    /** Sends one call's chunks from the stand-in's clock, one step per run. */
    private final class Emission implements Runnable {
        private final SynthesizeRequest request;
        private final ServerCallStreamObserver<SynthesizeResponse> call;
        private final int total;
        private final int perChunk;
        private final long delayMs;
        private final int failAfter;
        private final Status failure;
        private int next;
        private volatile boolean cancelled;

        Emission(SynthesizeRequest request, ServerCallStreamObserver<SynthesizeResponse> call, int total, int perChunk,
                long delayMs, int failAfter, Status failure) {
            this.request = request;
            this.call = call;
            this.total = total;
            this.perChunk = perChunk;
            this.delayMs = delayMs;
            this.failAfter = failAfter;
            this.failure = failure;
        }

        void cancelled() {
            cancelled = true;
            cancellations.incrementAndGet();
            active.decrementAndGet();
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            try {
                if (next == failAfter) {
                    active.decrementAndGet();
                    call.onError(failure.asException());
                    return;
                }
                if (next == total) {
                    active.decrementAndGet();
                    call.onNext(SynthesizeResponse.newBuilder().setSummary(SynthesisSummary.newBuilder()
                            .setChunks(total).setAudioSeconds(total * perChunk / 48_000.0)).build());
                    call.onCompleted();
                    return;
                }
                ByteBuffer pcm = ByteBuffer.allocate(perChunk * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < perChunk; i++) {
                    pcm.putShort(sample(request.getText(), next * perChunk + i));
                }
                pcm.flip();
                call.onNext(SynthesizeResponse.newBuilder().setChunk(AudioChunk.newBuilder()
                        .setSequence(next).setSampleRate(48_000).setPcm(ByteString.copyFrom(pcm))).build());
                chunksSent.incrementAndGet();
                next++;
                if (hold && next == 1) {
                    held.add(this);
                } else if (delayMs > 0) {
                    clock.schedule(this, delayMs, TimeUnit.MILLISECONDS);
                } else {
                    clock.execute(this);
                }
            } catch (RuntimeException e) {
                // The call was torn down under us (server killed): nothing left to send to.
                cancelled = true;
            }
        }
    }

    /** Runs a stand-in as its own process, for tests that kill a worker for real. Prints the port. */
    public static void main(String[] args) throws Exception {
        StandInWorker w = start();
        w.chunks = Integer.parseInt(args[0]);
        w.chunkDelayMs = Long.parseLong(args[1]);
        System.out.println("PORT " + w.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
