package io.voxcpm.voice;

/** A reference recording is unreadable or unsuitable (length, level, clipping, format). */
public final class InvalidRecordingException extends InvalidVoiceException {

    private static final long serialVersionUID = 1L;

    public InvalidRecordingException(String message) {
        super(message);
    }

    public InvalidRecordingException(String message, Throwable cause) {
        super(message, cause);
    }
}
