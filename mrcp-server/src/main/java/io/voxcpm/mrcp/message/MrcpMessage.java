package io.voxcpm.mrcp.message;

/** One MRCPv2 message: a request, a response or an event (RFC 6787 §5). */
public sealed interface MrcpMessage permits MrcpRequest, MrcpResponse, MrcpEvent {

    /** The only version this codec reads and writes. */
    String VERSION = "MRCP/2.0";

    /** Largest request-id: the grammar allows 10 digits, RFC 6787 §5.1 a 32-bit unsigned range. */
    long MAX_REQUEST_ID = 0xFFFF_FFFFL;

    long requestId();

    MrcpHeaders headers();

    /** The body ({@link Body#text()}, {@link Body#bytes()}); {@link Body#EMPTY} when there is none. */
    Body content();

    /** The Channel-Identifier header ({@code <session>@<resource>}) exactly as carried, or null. */
    default String channelId() {
        return headers().get(MrcpHeaderNames.CHANNEL_IDENTIFIER);
    }

    static void checkRequestId(long requestId) {
        if (requestId < 0 || requestId > MAX_REQUEST_ID) {
            throw new IllegalArgumentException("request-id out of range: " + requestId);
        }
    }
}
