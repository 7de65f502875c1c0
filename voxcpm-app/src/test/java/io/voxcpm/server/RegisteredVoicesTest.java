package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.bridge.VoiceSample;
import io.voxcpm.request.VoiceProfile;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisteredVoicesTest {

    @TempDir
    Path dir;

    @Test
    void cloneVoicesReachTheBridgeAndEveryRegistrationChangesTheCacheIdentity() throws Exception {
        RegisteredVoices voices = RegisteredVoices.open(dir);
        byte[] wav = speechLikeWav(16000, 2.0, 1);
        voices.registry().add("acme-brand", new NewVoice.Clone(Recording.fromWav(wav, "test"),
                "Welcome to Acme.", null, "Jane Doe, signed release", null, "ops@acme"));
        voices.registry().add("narrator", new NewVoice.Design("A calm, mature male voice", null, "ops@acme"));

        VoiceSample sample = voices.find("acme-brand").orElseThrow();
        assertThat(sample.transcript()).isEqualTo("Welcome to Acme.");
        assertThat(Recording.fromWav(sample.wav(), "round trip").durationSeconds()).isCloseTo(2.0,
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(voices.find("narrator")).as("a designed voice has no recording to push").isEmpty();
        assertThat(voices.find("nobody")).isEmpty();

        assertThat(voices.catalog().find("acme-brand")).get().isInstanceOfSatisfying(VoiceProfile.Clone.class,
                c -> assertThat(c.hasTranscript()).isTrue());
        assertThat(voices.catalog().find("narrator")).get().isInstanceOfSatisfying(VoiceProfile.Design.class,
                d -> assertThat(d.description()).isEqualTo("A calm, mature male voice"));
        assertThat(voices.catalog().find("nobody")).isEmpty();

        String first = voices.versionOf("acme-brand");
        assertThat(first).startsWith("acme-brand@v1");
        voices.registry().add("acme-brand", new NewVoice.Clone(Recording.fromWav(speechLikeWav(16000, 3.0, 2), "t"),
                null, "warm", "Jane Doe, signed release", null, "ops@acme"));
        assertThat(voices.versionOf("acme-brand")).startsWith("acme-brand@v2").isNotEqualTo(first);
        assertThat(voices.versionOf("nobody")).isEmpty();
    }

    @Test
    void anAnchoredDesignVoiceIsPlannedAsAnUltimateCloneOfItsAnchor() throws Exception {
        RegisteredVoices voices = RegisteredVoices.open(dir);
        voices.registry().add("acme", new NewVoice.Design("A warm voice", null, "ops"));
        String unanchored = voices.versionOf("acme");
        Recording clip = Recording.fromWav(speechLikeWav(48000, 4.0, 3), "anchor candidate 2 (seed 8)");
        voices.registry().add("acme", new NewVoice.Design("A warm voice", null, "ops",
                new io.voxcpm.voice.Anchor(clip, "Thank you for calling.", 8L)));

        VoiceSample sample = voices.find("acme").orElseThrow();
        assertThat(sample.wav()).isEqualTo(clip.wav());
        assertThat(sample.transcript()).isEqualTo("Thank you for calling.");
        assertThat(voices.catalog().find("acme")).get().isInstanceOfSatisfying(VoiceProfile.Clone.class, c -> {
            assertThat(c.hasTranscript()).isTrue();
            assertThat(c.styleDescription()).isNull();
        });
        assertThat(voices.versionOf("acme")).as("cache keys change with the anchor").isNotEqualTo(unanchored);
    }

    /** A 16-bit mono WAV of noisy tones: loud enough, never clipped. */
    static byte[] speechLikeWav(int rate, double seconds, long seed) {
        int n = (int) (rate * seconds);
        Random random = new Random(seed);
        ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            double v = 0.3 * Math.sin(2 * Math.PI * 180 * t) + 0.1 * Math.sin(2 * Math.PI * 720 * t)
                    + 0.02 * random.nextGaussian();
            pcm.putShort((short) Math.round(v * 32767 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t))));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes()).putInt(36 + n * 2).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(n * 2);
        out.writeBytes(header.array());
        out.writeBytes(pcm.array());
        return out.toByteArray();
    }
}
