package io.voxcpm.mrcp.message;

import java.util.Objects;

/** A server response: {@code MRCP/2.0 <length> <request-id> <status-code> <request-state>}. */
public record MrcpResponse(long requestId, int statusCode, RequestState state, MrcpHeaders headers, Body content)
        implements MrcpMessage {

    public MrcpResponse {
        MrcpMessage.checkRequestId(requestId);
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("status-code must have 3 digits: " + statusCode);
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(headers, "headers");
        content = content == null ? Body.EMPTY : content;
    }

    public MrcpResponse(long requestId, int statusCode, RequestState state, MrcpHeaders headers) {
        this(requestId, statusCode, state, headers, Body.EMPTY);
    }

    /**
     * A body-less response to {@code request} that echoes its Channel-Identifier (when it has one),
     * plus the given extra fields.
     */
    public static MrcpResponse to(MrcpRequest request, int statusCode, RequestState state, MrcpHeaders extra) {
        MrcpHeader channel = request.headers().first(MrcpHeaderNames.CHANNEL_IDENTIFIER);
        if (channel == null) {
            return new MrcpResponse(request.requestId(), statusCode, state, extra);
        }
        if (!channel.name().equals(MrcpHeaderNames.CHANNEL_IDENTIFIER)) {
            channel = new MrcpHeader(MrcpHeaderNames.CHANNEL_IDENTIFIER, channel.value()); // written in our spelling
        }
        // the request's own field when spelled so (the decoder's usual case): one array, no builder
        return new MrcpResponse(request.requestId(), statusCode, state, MrcpHeaders.prepend(channel, extra));
    }

    public static MrcpResponse to(MrcpRequest request, int statusCode, RequestState state) {
        return to(request, statusCode, state, MrcpHeaders.empty());
    }

    @Override
    public String toString() {
        return "MrcpResponse[" + requestId + " " + statusCode + " " + state.wireName() + " " + headers
                + " body=" + content + "]";
    }
}
