package io.voxcpm.sdp;

import java.util.Locale;

/** The RFC 4145 {@code a=connection} value of an MRCP control line. */
public enum ConnectionType {
    NEW, EXISTING;

    public String sdpValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Missing or unknown means new (what UniMRCP assumes). */
    static ConnectionType parse(String value) {
        return "existing".equalsIgnoreCase(value) ? EXISTING : NEW;
    }
}
