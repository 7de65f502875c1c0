package io.voxcpm.ops.http;

/**
 * Answers one request to a route. It runs on a handler thread, never on the event loop, so it may block
 * briefly (read a file, wait for a purge); throw {@link HttpError} for a clear 4xx, anything else is a 500.
 */
@FunctionalInterface
public interface HttpHandler {
    HttpReply handle(HttpCall call) throws Exception;
}
