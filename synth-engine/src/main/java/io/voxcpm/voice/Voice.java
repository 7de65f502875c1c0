package io.voxcpm.voice;

import java.time.Instant;

/**
 * One version of a registered voice, verified against its checksums when it was loaded.
 */
public sealed interface Voice permits DesignVoice, CloneVoice {

    String name();

    /** 1 for the first registration, then one more for each update. */
    int version();

    VoiceKind kind();

    Instant createdAt();

    /** Who registered this version (free text, e.g. an e-mail address). */
    String registeredBy();

    GenerationDefaults defaults();

    /** SHA-256 over this version's metadata, which itself includes the recording's SHA-256. */
    String checksum();

    /**
     * What identifies the sound of this voice in cache keys: name, version and the start of the
     * checksum. The checksum part keeps a voice removed and registered again under the same name
     * (which restarts at version 1) from matching audio cached for the old one.
     */
    default String identity() {
        return name() + "@v" + version() + ":" + checksum().substring(0, 16);
    }
}
