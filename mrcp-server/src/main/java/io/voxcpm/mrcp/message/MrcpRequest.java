package io.voxcpm.mrcp.message;

import java.util.Objects;

/** A client request: {@code MRCP/2.0 <length> <method> <request-id>}. */
public record MrcpRequest(String method, long requestId, MrcpHeaders headers, Body content) implements MrcpMessage {

    public MrcpRequest {
        MessageTokens.checkName(method, "method");
        MrcpMessage.checkRequestId(requestId);
        Objects.requireNonNull(headers, "headers");
        content = content == null ? Body.EMPTY : content;
    }

    public MrcpRequest(String method, long requestId, MrcpHeaders headers) {
        this(method, requestId, headers, Body.EMPTY);
    }

    /** A request with a UTF-8 text body. */
    public static MrcpRequest withText(String method, long requestId, MrcpHeaders headers, String body) {
        return new MrcpRequest(method, requestId, headers, Body.text(body));
    }

    @Override
    public String toString() {
        return "MrcpRequest[" + method + " " + requestId + " " + headers + " body=" + content + "]";
    }
}
