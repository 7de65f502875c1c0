package io.voxcpm.mrcp.message;

/**
 * What {@link MrcpDecoder} emits instead of a message it could not read.
 *
 * @param statusCode  the status a server should answer with when {@link #isAnswerable()}
 * @param reason      what was wrong, for a log line
 * @param requestId   the request-id of the offending request, or {@link #NO_REQUEST_ID} when the input was
 *                    not a readable request line (also for malformed responses and events, which are
 *                    never answered)
 * @param channelId   the Channel-Identifier when the header block was readable, else null
 * @param canContinue true when the decoder skipped exactly this message and the next one can be read;
 *                    false when framing is lost, the decoder discards everything that follows and the
 *                    connection should be closed
 */
public record MrcpDecodeError(int statusCode, String reason, long requestId, String channelId, boolean canContinue) {

    public static final long NO_REQUEST_ID = -1;

    /** True when a response can be addressed to the offending request. */
    public boolean isAnswerable() {
        return requestId != NO_REQUEST_ID;
    }

    /** A COMPLETE response with {@link #statusCode()}, echoing the Channel-Identifier when known. */
    public MrcpResponse toResponse() {
        if (!isAnswerable()) {
            throw new IllegalStateException("no request-id to answer: " + reason);
        }
        MrcpHeaders headers = channelId == null ? MrcpHeaders.empty() : MrcpHeaders.ofChannel(channelId);
        return new MrcpResponse(requestId, statusCode, RequestState.COMPLETE, headers);
    }
}
