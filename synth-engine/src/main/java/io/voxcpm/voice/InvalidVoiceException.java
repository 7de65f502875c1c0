package io.voxcpm.voice;

/**
 * A voice could not be registered because of what was given (name, recording, options). The message
 * says what is wrong and how to fix it, and is meant to be shown to the operator as is.
 */
public class InvalidVoiceException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidVoiceException(String message) {
        super(message);
    }

    public InvalidVoiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
