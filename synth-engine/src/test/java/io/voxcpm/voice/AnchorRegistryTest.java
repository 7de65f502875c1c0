package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A design voice's anchor clip is stored, checksummed and versioned like a clone's reference. */
class AnchorRegistryTest {

    @TempDir
    Path dir;

    private Anchor anchor(double hz) throws Exception {
        return new Anchor(Recording.fromWav(TestWavs.sine(48000, 1, 16, false, 4.0, hz, 0.3), "candidate"),
                "Thank you for calling.", 7L);
    }

    @Test
    void anchorRoundTripsAndChangesTheIdentity() throws Exception {
        VoiceRegistry registry = VoiceRegistry.open(dir);
        Voice plain = registry.add("acme", new NewVoice.Design("A warm voice", null, "ops"));
        Voice anchored = registry.add("acme", new NewVoice.Design("A warm voice", null, "ops", anchor(200)));
        Voice reanchored = registry.add("acme", new NewVoice.Design("A warm voice", null, "ops", anchor(210)));

        DesignVoice read = (DesignVoice) VoiceRegistry.open(dir).find("acme").orElseThrow();
        assertThat(read.anchored()).isTrue();
        assertThat(read.anchor().orElseThrow().clip()).isEqualTo(anchor(210).clip());
        assertThat(read.anchor().orElseThrow().transcript()).isEqualTo("Thank you for calling.");
        assertThat(read.anchor().orElseThrow().seed()).contains(7L);
        assertThat(((DesignVoice) plain).anchored()).isFalse();
        assertThat(Files.exists(dir.resolve("acme/v1/anchor.wav"))).isFalse();
        assertThat(dir.resolve("acme/v2/anchor.wav")).isRegularFile();
        assertThat(plain.identity()).isNotEqualTo(anchored.identity());
        assertThat(anchored.identity()).as("cache keys follow the anchor").isNotEqualTo(reanchored.identity());
    }

    @Test
    void aDamagedAnchorMakesTheVersionCorrupt() throws Exception {
        VoiceRegistry registry = VoiceRegistry.open(dir);
        registry.add("acme", new NewVoice.Design("A warm voice", null, "ops", anchor(200)));
        Path clip = dir.resolve("acme/v1/anchor.wav");
        byte[] bytes = Files.readAllBytes(clip);
        bytes[bytes.length - 10] ^= 0x55;
        Files.write(clip, bytes);
        assertThat(registry.find("acme")).isEmpty();
        assertThat(registry.lookup("acme")).get().isInstanceOfSatisfying(VoiceStatus.Corrupt.class,
                c -> assertThat(c.problem()).contains("anchor.wav fails its SHA-256 checksum"));
    }

    @Test
    void anAnchorNeedsItsWords() throws Exception {
        VoiceRegistry registry = VoiceRegistry.open(dir);
        Anchor silent = new Anchor(anchor(200).clip(), " ", (Long) null);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> registry.add("acme", new NewVoice.Design("A warm voice", null, "ops", silent)))
                .isInstanceOf(InvalidVoiceException.class).hasMessageContaining("anchor transcript is missing");
    }
}
