package io.voxcpm.engine;

/** How an engine would speak a request: what a fallback chain asks before it hands one on. */
public enum Support {
    /** In the voice, mode and language asked for. */
    AS_ASKED,
    /**
     * In a voice of its own: the request's voice or mode (a registered clone, a designed voice) is one only
     * another engine can produce.
     */
    OWN_VOICE,
    /** Not at all (e.g. a language the engine does not speak). */
    NONE
}
