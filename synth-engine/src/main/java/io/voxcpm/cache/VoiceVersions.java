package io.voxcpm.cache;

/**
 * Tells the cache which version of a named voice a request will get, so that re-registering a voice
 * (new recording, new description) makes its old entries unreachable instead of stale.
 */
@FunctionalInterface
public interface VoiceVersions {

    /** For engines with fixed voices: every voice is unversioned. */
    VoiceVersions NONE = name -> "";

    /** The version of {@code voiceName}, or empty when the voice is not registered. */
    String versionOf(String voiceName);
}
