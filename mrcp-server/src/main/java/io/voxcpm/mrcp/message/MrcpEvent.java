package io.voxcpm.mrcp.message;

import java.util.Objects;

/** A server event: {@code MRCP/2.0 <length> <event-name> <request-id> <request-state>}. */
public record MrcpEvent(String eventName, long requestId, RequestState state, MrcpHeaders headers, Body content)
        implements MrcpMessage {

    public MrcpEvent {
        MessageTokens.checkName(eventName, "event-name");
        MrcpMessage.checkRequestId(requestId);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(headers, "headers");
        content = content == null ? Body.EMPTY : content;
    }

    public MrcpEvent(String eventName, long requestId, RequestState state, MrcpHeaders headers) {
        this(eventName, requestId, state, headers, Body.EMPTY);
    }

    @Override
    public String toString() {
        return "MrcpEvent[" + eventName + " " + requestId + " " + state.wireName() + " " + headers
                + " body=" + content + "]";
    }
}
