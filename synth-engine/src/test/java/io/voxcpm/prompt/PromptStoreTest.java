package io.voxcpm.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.voxcpm.audio.LoudnessNormalizer;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.request.SegmentPlayer.PromptAudio;
import io.voxcpm.voice.WavAudio;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptStoreTest {

    @TempDir
    Path dir;

    /** A 1 kHz tone of {@code seconds} at {@code peakDbfs}, mono 16-bit. */
    static short[] tone(int rate, double seconds, double peakDbfs) {
        short[] s = new short[(int) (rate * seconds)];
        double a = 32767 * Math.pow(10, peakDbfs / 20);
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(a * Math.sin(2 * Math.PI * 1000 * i / rate));
        }
        return s;
    }

    @Test
    void addListReplaceAndRemoveLeaveOnlyWholeFiles() throws Exception {
        PromptStore store = PromptStore.open(dir.resolve("prompts"));
        assertThat(store.list()).isEmpty();
        PromptStore.Info chime = store.add("chime", WavAudio.mono16(tone(8000, 0.5, -6), 8000), false);
        assertThat(chime.sampleRate()).isEqualTo(8000);
        assertThat(chime.seconds()).isCloseTo(0.5, within(0.001));
        assertThatThrownBy(() -> store.add("chime", WavAudio.mono16(tone(8000, 1, -6), 8000), false))
                .isInstanceOf(PromptStore.InvalidPrompt.class).hasMessageContaining("already exists");
        assertThat(store.find("chime").orElseThrow().seconds()).as("the first one kept").isCloseTo(0.5, within(0.001));
        assertThat(store.add("chime", WavAudio.mono16(tone(16000, 1, -6), 16000), true).seconds())
                .isCloseTo(1.0, within(0.001));
        store.add("welcome.v2", WavAudio.mono16(tone(48000, 0.2, -6), 48000), false);
        assertThat(store.list()).extracting(PromptStore.Info::name).containsExactly("chime", "welcome.v2");
        try (Stream<Path> files = Files.list(store.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("chime.wav",
                    "welcome.v2.wav");
        }
        assertThat(store.remove("chime")).isTrue();
        assertThat(store.remove("chime")).isFalse();
        assertThat(store.list()).extracting(PromptStore.Info::name).containsExactly("welcome.v2");
    }

    @Test
    void aCrashsTemporaryIsNeverListedAndIsRemovedLater() throws Exception {
        PromptStore store = PromptStore.open(dir);
        Path torn = Files.write(dir.resolve(".chime.wav.1234.tmp"), new byte[] {'R', 'I'});
        Files.setLastModifiedTime(torn, FileTime.from(Instant.now().minusSeconds(7200)));
        assertThat(store.list()).isEmpty();
        assertThat(store.find("chime")).isEmpty();
        store.add("chime", WavAudio.mono16(tone(8000, 0.1, -6), 8000), false);
        assertThat(torn).doesNotExist();
    }

    @Test
    void badNamesAndRecordingsAreRefusedWithAReason() {
        PromptStore store = PromptStore.open(dir);
        byte[] ok = WavAudio.mono16(tone(8000, 0.1, -6), 8000);
        for (String name : new String[] {"../etc/passwd", "http://x/y.wav", ".hidden", "", "a b"}) {
            assertThatThrownBy(() -> store.add(name, ok, false)).isInstanceOf(PromptStore.InvalidPrompt.class)
                    .hasMessageContaining("not usable");
        }
        assertThatThrownBy(() -> store.add("x", "not audio".getBytes(), false))
                .isInstanceOf(PromptStore.InvalidPrompt.class).hasMessageContaining("WAV");
        assertThatThrownBy(() -> store.add("x", WavAudio.mono16(new short[0], 8000), false))
                .isInstanceOf(PromptStore.InvalidPrompt.class).hasMessageContaining("1 sample");
        assertThatThrownBy(() -> store.add("x", dir.resolve("missing.wav"), false))
                .isInstanceOf(PromptStore.InvalidPrompt.class).hasMessageContaining("not found");
    }

    @Test
    void stereoFloatAt44kIsStoredMonoPcm() throws Exception {
        PromptStore store = PromptStore.open(dir);
        PromptStore.Info i = store.add("st", floatStereoWav(44100, 0.25), false);
        assertThat(i.sampleRate()).isEqualTo(44100);
        WavAudio.Mono back = WavAudio.readMono(Files.readAllBytes(dir.resolve("st.wav")));
        assertThat(back.samples()).hasSize(11025);
        assertThat(back.description()).contains("mono 16-bit PCM");
    }

    @Test
    void playedAtTheEngineRateAtTheTargetLevelAndFollowingTheFile() throws Exception {
        PromptStore store = PromptStore.open(dir);
        store.add("quiet", WavAudio.mono16(tone(8000, 2, -40), 8000), false);
        PromptAudio audio = store.audio(new LoudnessNormalizer(-20, -1));
        short[] at16k = audio.find("quiet", 16000).orElseThrow();
        assertThat(at16k.length).isCloseTo(32000, within(40));
        assertThat(LoudnessNormalizer.integratedLoudness(at16k, 16000)).isCloseTo(-20, within(0.5));
        assertThat(audio.find("quiet", 16000).orElseThrow()).as("resampled once").isSameAs(at16k);

        store.add("quiet", WavAudio.mono16(tone(8000, 1, -40), 8000), true);
        assertThat(audio.find("quiet", 16000).orElseThrow().length).as("the replacement").isCloseTo(16000, within(40));
        store.remove("quiet");
        assertThat(audio.find("quiet", 16000)).isEmpty();
        assertThat(audio.find("../quiet", 16000)).isEmpty();

        Files.write(dir.resolve("torn.wav"), new byte[] {'R', 'I', 'F', 'F'});
        assertThatThrownBy(() -> audio.find("torn", 16000)).isInstanceOf(SynthesisException.class)
                .hasMessageContaining("torn");
    }

    private static byte[] floatStereoWav(int rate, double seconds) {
        int frames = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + frames * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + frames * 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 3).putShort((short) 2).putInt(rate).putInt(rate * 8)
                .putShort((short) 8).putShort((short) 32);
        b.put("data".getBytes()).putInt(frames * 8);
        for (int i = 0; i < frames; i++) {
            float v = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
            b.putFloat(v).putFloat(-v * 0.5f);
        }
        return b.array();
    }
}
