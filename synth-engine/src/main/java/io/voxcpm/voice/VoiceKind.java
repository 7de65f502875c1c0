package io.voxcpm.voice;

/** What a registered voice is made of. */
public enum VoiceKind {
    /** A voice described in words. */
    DESIGN,
    /** A voice cloned from a reference recording. */
    CLONE;

    /** The lower-case word used on disk and in the CLI. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
