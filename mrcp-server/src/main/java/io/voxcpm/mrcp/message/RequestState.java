package io.voxcpm.mrcp.message;

/** The request-state of a response or event (RFC 6787 §5.3). */
public enum RequestState {
    COMPLETE("COMPLETE"),
    IN_PROGRESS("IN-PROGRESS"),
    PENDING("PENDING");

    private final String wireName;

    RequestState(String wireName) {
        this.wireName = wireName;
    }

    /** The token as it appears on the start line. */
    public String wireName() {
        return wireName;
    }

    /** The state for a start-line token (exact, as the grammar is upper case), or null if it is none. */
    public static RequestState fromWireName(String token) {
        for (RequestState state : values()) {
            if (state.wireName.equals(token)) {
                return state;
            }
        }
        return null;
    }
}
