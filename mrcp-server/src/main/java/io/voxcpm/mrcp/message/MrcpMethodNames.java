package io.voxcpm.mrcp.message;

/** Method and event names of the generic and synthesizer resource (RFC 6787 §6.1, §8.2). */
public final class MrcpMethodNames {

    // generic methods
    public static final String SET_PARAMS = "SET-PARAMS";
    public static final String GET_PARAMS = "GET-PARAMS";

    // synthesizer methods
    public static final String SPEAK = "SPEAK";
    public static final String STOP = "STOP";
    public static final String PAUSE = "PAUSE";
    public static final String RESUME = "RESUME";
    public static final String BARGE_IN_OCCURRED = "BARGE-IN-OCCURRED";
    public static final String CONTROL = "CONTROL";
    public static final String DEFINE_LEXICON = "DEFINE-LEXICON";

    // synthesizer events
    public static final String SPEECH_MARKER = "SPEECH-MARKER";
    public static final String SPEAK_COMPLETE = "SPEAK-COMPLETE";

    private MrcpMethodNames() {
    }
}
