package io.voxcpm.voice;

/** A stored voice version as the registry found it: usable, or corrupt and never used. */
public sealed interface VoiceStatus {

    String name();

    int version();

    record Ok(Voice voice) implements VoiceStatus {

        @Override
        public String name() {
            return voice.name();
        }

        @Override
        public int version() {
            return voice.version();
        }
    }

    /** @param problem what failed (unreadable file, checksum mismatch, ...) */
    record Corrupt(String name, int version, String problem) implements VoiceStatus {
    }
}
