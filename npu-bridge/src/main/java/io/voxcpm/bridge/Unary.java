package io.voxcpm.bridge;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Adapts a unary async-stub call to a future. */
final class Unary<T> implements StreamObserver<T> {

    final CompletableFuture<T> future = new CompletableFuture<>();
    private T value;

    @Override
    public void onNext(T v) {
        value = v;
    }

    @Override
    public void onError(Throwable t) {
        future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        future.complete(value);
    }
}
