package io.voxcpm.ops.http;

/**
 * A request the handler refuses, answered as {@code {"error": code, "message": message}} with the status:
 * e.g. {@code throw new HttpError(404, "voice_not_found", "no voice named 'anna'")}.
 */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public HttpError(int status, String code, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
        }
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public HttpReply reply() {
        return HttpReply.error(status, code, getMessage());
    }
}
