package io.voxcpm.bridge;

import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * The voice registry as the model engines see it: a cloned voice is its reference recording (and
 * transcript); an anchored design voice is its anchor clip and the anchor's words, so every prompt
 * continues the same clip on every worker; an unanchored design voice has no recording (the engine
 * sends its description instead).
 */
public final class RegistryVoices implements VoiceSource {

    private final VoiceRegistry registry;

    public RegistryVoices(VoiceRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Optional<VoiceSample> find(String name) {
        return registry.find(name).flatMap(RegistryVoices::sample);
    }

    /** The recording a model engine receives for {@code voice}; empty for an unanchored design voice. */
    public static Optional<VoiceSample> sample(Voice voice) {
        if (voice instanceof CloneVoice c) {
            return Optional.of(new VoiceSample(c.name(), c.reference().wav(), c.transcript().orElse(null)));
        }
        return ((DesignVoice) voice).anchor()
                .map(a -> new VoiceSample(voice.name(), a.clip().wav(), a.transcript()));
    }
}
