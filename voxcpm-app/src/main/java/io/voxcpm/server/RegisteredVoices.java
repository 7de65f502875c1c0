package io.voxcpm.server;

import io.voxcpm.bridge.RegistryVoices;
import io.voxcpm.bridge.VoiceSample;
import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.cache.VoiceVersions;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.request.VoiceProfile;
import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The voice registry as the rest of the server needs it: what each voice is to the request planner, the
 * reference recordings for the model bridge, and the identity (name, version, checksum) that prompt-cache
 * keys carry, so a re-registered voice never replays audio of the old one.
 */
final class RegisteredVoices implements VoiceSource, VoiceVersions {

    private final VoiceRegistry registry;

    private RegisteredVoices(VoiceRegistry registry) {
        this.registry = registry;
    }

    static RegisteredVoices open(Path dir) throws IOException {
        return new RegisteredVoices(VoiceRegistry.open(dir));
    }

    /**
     * The registry of {@code voices.dir} for a starting server: created when missing unless {@code onlyIfPresent}
     * (then null when the directory does not exist).
     */
    static RegisteredVoices forServer(Path dir, boolean onlyIfPresent) throws VoxcpmMrcpServer.StartupException {
        if (onlyIfPresent && !Files.isDirectory(dir)) {
            return null;
        }
        try {
            return open(dir);
        } catch (IOException e) {
            throw new VoxcpmMrcpServer.StartupException("voice registry " + dir + ": " + e.getMessage()
                    + " (set voices.dir to a writable directory)", e);
        }
    }

    VoiceRegistry registry() {
        return registry;
    }

    /** What each registered voice is to the request planner. */
    VoiceCatalog catalog() {
        return new VoiceCatalog() {
            @Override
            public Optional<VoiceProfile> find(String name) {
                return registry.find(name).map(RegisteredVoices::profile);
            }

            @Override
            public long changes() {
                return registry.changes();
            }
        };
    }

    /** An anchored design voice is planned like a clone with a transcript: every prompt continues its anchor. */
    private static VoiceProfile profile(Voice voice) {
        if (voice instanceof CloneVoice c) {
            return new VoiceProfile.Clone(c.ultimate(), c.style().orElse(null), c.defaults().toParameters());
        }
        DesignVoice d = (DesignVoice) voice;
        if (d.anchored()) {
            return new VoiceProfile.Clone(true, null, d.defaults().toParameters());
        }
        return new VoiceProfile.Design(d.description(), d.defaults().toParameters());
    }

    @Override
    public Optional<VoiceSample> find(String name) {
        return registry.find(name).flatMap(RegistryVoices::sample);
    }

    @Override
    public String versionOf(String voiceName) {
        return registry.find(voiceName).map(Voice::identity).orElse("");
    }
}
