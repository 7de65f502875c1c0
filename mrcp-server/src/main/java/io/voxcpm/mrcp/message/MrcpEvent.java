package io.voxcpm.mrcp.message;

import java.util.Arrays;
import java.util.Objects;

/** A server event: {@code MRCP/2.0 <length> <event-name> <request-id> <request-state>}. */
public record MrcpEvent(String eventName, long requestId, RequestState state, MrcpHeaders headers, byte[] body)
        implements MrcpMessage {

    public MrcpEvent {
        MessageTokens.checkName(eventName, "event-name");
        MrcpMessage.checkRequestId(requestId);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(headers, "headers");
        body = body == null ? MessageTokens.NO_BODY : body.clone();
    }

    public MrcpEvent(String eventName, long requestId, RequestState state, MrcpHeaders headers) {
        this(eventName, requestId, state, headers, null);
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
        return o instanceof MrcpEvent e && eventName.equals(e.eventName) && requestId == e.requestId
                && state == e.state && headers.equals(e.headers) && Arrays.equals(body, e.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventName, requestId, state, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "MrcpEvent[" + eventName + " " + requestId + " " + state.wireName() + " " + headers
                + " body=" + body.length + "B]";
    }
}
