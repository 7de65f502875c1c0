package io.voxcpm.engine;

/** Why a synthesis could not produce (all of) its audio, in terms a protocol layer can map to a status. */
public final class SynthesisException extends Exception {

    public enum Reason {
        /** The request's markup could not be parsed. */
        PARSE_FAILURE,
        /** A referenced resource (voice recording, audio URI) could not be loaded. */
        URI_FAILURE,
        /** The requested language cannot be spoken by this engine. */
        LANGUAGE_UNSUPPORTED,
        /** The named voice does not exist. */
        UNKNOWN_VOICE,
        /** The request is valid but the engine cannot honour it (bad parameter combination, too long). */
        INVALID_REQUEST,
        /** The engine has no capacity left right now. */
        OVERLOADED,
        /** The engine failed while synthesising. */
        ENGINE_FAILURE
    }

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public SynthesisException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SynthesisException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
