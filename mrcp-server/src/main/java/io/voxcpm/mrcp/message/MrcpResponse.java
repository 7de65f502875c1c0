package io.voxcpm.mrcp.message;

import java.util.Arrays;
import java.util.Objects;

/** A server response: {@code MRCP/2.0 <length> <request-id> <status-code> <request-state>}. */
public record MrcpResponse(long requestId, int statusCode, RequestState state, MrcpHeaders headers, byte[] body)
        implements MrcpMessage {

    public MrcpResponse {
        MrcpMessage.checkRequestId(requestId);
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("status-code must have 3 digits: " + statusCode);
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(headers, "headers");
        body = body == null ? MessageTokens.NO_BODY : body.clone();
    }

    public MrcpResponse(long requestId, int statusCode, RequestState state, MrcpHeaders headers) {
        this(requestId, statusCode, state, headers, null);
    }

    /**
     * A body-less response to {@code request} that echoes its Channel-Identifier (when it has one),
     * plus the given extra fields.
     */
    public static MrcpResponse to(MrcpRequest request, int statusCode, RequestState state, MrcpHeaders extra) {
        MrcpHeaders.Builder headers = MrcpHeaders.builder();
        String channelId = request.channelId();
        if (channelId != null) {
            headers.add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId);
        }
        return new MrcpResponse(request.requestId(), statusCode, state, headers.addAll(extra).build());
    }

    public static MrcpResponse to(MrcpRequest request, int statusCode, RequestState state) {
        return to(request, statusCode, state, MrcpHeaders.empty());
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
        return o instanceof MrcpResponse r && requestId == r.requestId && statusCode == r.statusCode
                && state == r.state && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, statusCode, state, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "MrcpResponse[" + requestId + " " + statusCode + " " + state.wireName() + " " + headers
                + " body=" + body.length + "B]";
    }
}
