package io.voxcpm.bridge;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.voxcpm.bridge.proto.VoxcpmWorkerGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One worker address with its channel. The mutable routing state is guarded by the owning
 * {@link WorkerPool}'s lock; only the voice cache is concurrent on its own.
 */
final class WorkerEndpoint {

    final String address;
    final ManagedChannel channel;
    final VoxcpmWorkerGrpc.VoxcpmWorkerStub worker;
    final HealthGrpc.HealthStub health;
    /** Content hash -> the worker's voice id, as a future so concurrent first uses push only once. */
    final ConcurrentMap<String, CompletableFuture<String>> voices = new ConcurrentHashMap<>();

    int inFlight;
    long dispatched;
    long lastDispatch;
    /** Optimistic until a call or health check says otherwise, so a fresh pool serves at once. */
    boolean healthy = true;
    int consecutiveFailures;
    /** Times the circuit opened since the last successful synthesis; sets the backoff. */
    int opens;
    boolean open;
    boolean halfOpen;
    boolean probing;
    boolean removed;

    /** {@code calls} is {@code channel} or the channel with the worker token added to every call. */
    WorkerEndpoint(String address, ManagedChannel channel, Channel calls) {
        this.address = address;
        this.channel = channel;
        this.worker = VoxcpmWorkerGrpc.newStub(calls);
        this.health = HealthGrpc.newStub(calls);
    }

    boolean circuitClosed() {
        return !open && !halfOpen && !removed;
    }

    EndpointStatus status() {
        EndpointStatus.Circuit circuit = halfOpen ? EndpointStatus.Circuit.HALF_OPEN
                : open ? EndpointStatus.Circuit.OPEN : EndpointStatus.Circuit.CLOSED;
        return new EndpointStatus(address, inFlight, healthy, circuit, consecutiveFailures, dispatched);
    }

    @Override
    public String toString() {
        return address;
    }
}
