package io.voxcpm.bridge;

import io.grpc.Status;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;

/** How a worker's gRPC status reads to the engine SPI, and what it says about the endpoint. */
final class GrpcStatusMapping {

    private GrpcStatusMapping() {
    }

    static SynthesisException toException(Status status, String context) {
        Reason reason = switch (status.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> Reason.INVALID_REQUEST;
            case RESOURCE_EXHAUSTED -> Reason.OVERLOADED;
            case NOT_FOUND -> Reason.UNKNOWN_VOICE;
            default -> Reason.ENGINE_FAILURE;
        };
        String detail = status.getDescription() == null ? "" : ": " + status.getDescription();
        return new SynthesisException(reason, context + " " + status.getCode() + detail, status.asException());
    }

    /** Only failures that leave the worker untouched may be retried, and only before any audio was sent. */
    static boolean retryableBeforeAudio(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.RESOURCE_EXHAUSTED;
    }

    /** Whether the status counts against the endpoint's health (the request itself was not at fault). */
    static boolean blamesEndpoint(Status status) {
        return switch (status.getCode()) {
            // UNAUTHENTICATED: that worker holds another token; the pool should route around it
            case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED, ABORTED, CANCELLED,
                    UNAUTHENTICATED -> true;
            default -> false;
        };
    }
}
