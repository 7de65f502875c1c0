package io.voxcpm.mrcp.message;

import java.util.Arrays;
import java.util.Objects;

/** A client request: {@code MRCP/2.0 <length> <method> <request-id>}. */
public record MrcpRequest(String method, long requestId, MrcpHeaders headers, byte[] body) implements MrcpMessage {

    public MrcpRequest {
        MessageTokens.checkName(method, "method");
        MrcpMessage.checkRequestId(requestId);
        Objects.requireNonNull(headers, "headers");
        body = body == null ? MessageTokens.NO_BODY : body.clone();
    }

    public MrcpRequest(String method, long requestId, MrcpHeaders headers) {
        this(method, requestId, headers, null);
    }

    /** A request with a UTF-8 text body. */
    public static MrcpRequest withText(String method, long requestId, MrcpHeaders headers, String body) {
        return new MrcpRequest(method, requestId, headers, MrcpMessage.utf8(body));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public int bodyLength() {
        return body.length;
    }

    @Override
    public String bodyText() {
        return MrcpMessage.utf8(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MrcpRequest r && method.equals(r.method) && requestId == r.requestId
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, requestId, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "MrcpRequest[" + method + " " + requestId + " " + headers + " body=" + body.length + "B]";
    }
}
