package io.voxcpm.rtp;

import java.io.IOException;

/** No RTP port of the configured range could be bound: the server is at capacity (answer SIP 480). */
public final class RtpPortsExhaustedException extends IOException {

    private static final long serialVersionUID = 1L;

    RtpPortsExhaustedException(String message, Throwable lastBindFailure) {
        super(message, lastBindFailure);
    }
}
