package io.voxcpm.server;

import io.voxcpm.bridge.VoiceSample;
import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.cache.VoiceVersions;
import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The voice registry as the rest of the server needs it: reference recordings for the model bridge, and
 * the identity (name, version, checksum) that prompt-cache keys carry, so a re-registered voice never
 * replays audio of the old one.
 */
final class RegisteredVoices implements VoiceSource, VoiceVersions {

    private final VoiceRegistry registry;

    private RegisteredVoices(VoiceRegistry registry) {
        this.registry = registry;
    }

    static RegisteredVoices open(Path dir) throws IOException {
        return new RegisteredVoices(VoiceRegistry.open(dir));
    }

    VoiceRegistry registry() {
        return registry;
    }

    @Override
    public Optional<VoiceSample> find(String name) {
        return registry.find(name)
                .filter(CloneVoice.class::isInstance)
                .map(CloneVoice.class::cast)
                .map(v -> new VoiceSample(v.name(), v.reference().wav(), v.transcript().orElse(null)));
    }

    @Override
    public String versionOf(String voiceName) {
        return registry.find(voiceName).map(Voice::identity).orElse("");
    }
}
