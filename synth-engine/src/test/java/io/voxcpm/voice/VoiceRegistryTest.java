package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoiceRegistryTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;

    private VoiceRegistry registry;
    private Recording recording;

    @BeforeEach
    void setUp() throws Exception {
        registry = VoiceRegistry.open(dir, Clock.fixed(T0, ZoneOffset.UTC));
        recording = Recording.fromWav(TestWavs.speechLike(3.0), "jane.wav");
    }

    private static NewVoice.Design design(String description) {
        return new NewVoice.Design(description, new GenerationDefaults(2.5, 12, 42L, "en-US"), "ops@acme");
    }

    private NewVoice.Clone clone(String transcript, String style) {
        return new NewVoice.Clone(recording, transcript, style, "Jane Doe, signed release 2026-11-01", null, "ops@acme");
    }

    @Test
    void designVoiceRoundTrip() throws Exception {
        Voice added = registry.add("warm-male", design("A warm, mature male voice"));

        Voice found = VoiceRegistry.open(dir).find("warm-male").orElseThrow();
        assertThat(found).isEqualTo(added).isInstanceOf(DesignVoice.class);
        DesignVoice d = (DesignVoice) found;
        assertThat(d.description()).isEqualTo("A warm, mature male voice");
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.createdAt()).isEqualTo(T0);
        assertThat(d.registeredBy()).isEqualTo("ops@acme");
        assertThat(d.defaults().toParameters()).isEqualTo(Map.of("cfg_value", "2.5", "inference_timesteps", "12", "seed", "42"));
        assertThat(d.defaults().language()).isEqualTo("en-US");
        assertThat(Files.exists(dir.resolve("warm-male/v1/voice.json"))).isTrue();
    }

    @Test
    void cloneVoiceRoundTripKeepsTheExactReferenceBytes() throws Exception {
        registry.add("acme-brand", clone("Welcome to Acme, how can I help?", null));

        CloneVoice c = (CloneVoice) VoiceRegistry.open(dir).find("acme-brand").orElseThrow();
        assertThat(c.reference().wav()).isEqualTo(recording.wav());
        assertThat(c.reference().sha256()).isEqualTo(recording.sha256());
        assertThat(c.transcript()).contains("Welcome to Acme, how can I help?");
        assertThat(c.ultimate()).isTrue();
        assertThat(c.style()).isEmpty();
        assertThat(c.consent()).isEqualTo("Jane Doe, signed release 2026-11-01");
        assertThat(c.reference().origin()).startsWith("jane.wav (22050 Hz mono 16-bit PCM");
        assertThat(Files.readAllBytes(dir.resolve("acme-brand/v1/reference.wav"))).isEqualTo(recording.wav());

        Voice styled = registry.add("acme-styled", clone(null, "cheerful"));
        assertThat(((CloneVoice) styled).ultimate()).isFalse();
        assertThat(((CloneVoice) styled).style()).contains("cheerful");
        // Same recording, different transcript: a different worker-side prompt.
        assertThat(((CloneVoice) styled).promptHash()).isNotEqualTo(c.promptHash());
    }

    @Test
    void everyAddIsANewVersionAndTheNewestIsCurrent() throws Exception {
        registry.add("brand", design("first"));
        registry.add("brand", clone(null, "second"));
        registry.add("brand", design("third"));

        assertThat(registry.find("brand").orElseThrow().version()).isEqualTo(3);
        assertThat(((DesignVoice) registry.find("brand").orElseThrow()).description()).isEqualTo("third");
        List<VoiceStatus> versions = registry.versions("brand");
        assertThat(versions).extracting(VoiceStatus::version).containsExactly(1, 2, 3);
        assertThat(versions).allMatch(VoiceStatus.Ok.class::isInstance);
        assertThat(((VoiceStatus.Ok) versions.get(1)).voice()).isInstanceOf(CloneVoice.class);
        assertThat(registry.list()).hasSize(1);
    }

    @Test
    void identityChangesWithEveryVersionAndAfterRemoveAndReAdd() throws Exception {
        String v1 = registry.add("brand", design("first")).identity();
        String v2 = registry.add("brand", design("first")).identity();
        assertThat(v1).startsWith("brand@v1:");
        assertThat(v2).startsWith("brand@v2:");
        assertThat(registry.remove("brand")).isTrue();
        VoiceRegistry later = VoiceRegistry.open(dir, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
        String again = later.add("brand", design("something else")).identity();
        assertThat(again).startsWith("brand@v1:").isNotEqualTo(v1);
    }

    @Test
    void repeatedLookupsServeTheVerifiedVoiceUntilItsFilesChange() throws Exception {
        registry.add("brand", clone("words", null));
        Voice first = registry.find("brand").orElseThrow();

        assertThat(registry.find("brand").orElseThrow()).as("kept, not read and hashed again").isSameAs(first);

        registry.add("brand", design("second"));
        assertThat(registry.find("brand").orElseThrow().version()).isEqualTo(2);
        Path json = dir.resolve("brand/v2/voice.json");
        Files.writeString(json, Files.readString(json).replace("second", "secund"));
        Files.setLastModifiedTime(json, java.nio.file.attribute.FileTime.from(T0));
        assertThat(registry.find("brand")).as("a hand edit is seen").isEmpty();
        assertThat(registry.remove("brand")).isTrue();
        assertThat(registry.find("brand")).isEmpty();
        registry.add("brand", design("third"));
        assertThat(((DesignVoice) registry.find("brand").orElseThrow()).description())
                .as("removed and added again as v1").isEqualTo("third");
    }

    @Test
    void removeDeletesEverything() throws Exception {
        registry.add("brand", clone(null, null));
        registry.add("other", design("x"));
        assertThat(registry.remove("brand")).isTrue();
        assertThat(registry.find("brand")).isEmpty();
        assertThat(registry.versions("brand")).isEmpty();
        assertThat(registry.remove("brand")).isFalse();
        assertThat(registry.remove("Not A Name")).isFalse();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("other", ".lock", VoiceAuditLog.FILE); // the record outlives the voice
        }
    }

    @Test
    void badNamesAndBadVoicesAreRejectedWithWhatToFix() throws Exception {
        for (String bad : new String[] {"", "Acme", "acme brand", "../etc", "a.b", "x".repeat(65)}) {
            assertThatThrownBy(() -> registry.add(bad, design("x"))).isInstanceOf(InvalidVoiceException.class)
                    .hasMessageContaining("lower-case letters a-z, digits 0-9, '-' and '_'");
        }
        assertThat(registry.add("x".repeat(64), design("x")).version()).isEqualTo(1);
        assertThatThrownBy(() -> registry.add("a", clone("exact words", "cheerful")))
                .hasMessageContaining("ultimate clone").hasMessageContaining("drop the style");
        assertThatThrownBy(() -> registry.add("a", new NewVoice.Clone(recording, null, null, " ", null, "me")))
                .hasMessageContaining("consent is missing");
        assertThatThrownBy(() -> registry.add("a", design("(A young woman)")))
                .hasMessageContaining("parentheses");
        assertThatThrownBy(() -> registry.add("a", new NewVoice.Design("x", new GenerationDefaults(50.0, null, null, null), "me")))
                .hasMessageContaining("cfg value 50.0 is out of range");
        assertThat(registry.find("a")).isEmpty();
        assertThat(registry.find("../etc")).isEmpty();
    }

    @Test
    void aFlippedByteInTheRecordingMarksOnlyThatVoiceCorrupt() throws Exception {
        registry.add("damaged", clone(null, null));
        registry.add("healthy", clone("words", null));
        Path wav = dir.resolve("damaged/v1/reference.wav");
        byte[] bytes = Files.readAllBytes(wav);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(wav, bytes);

        VoiceRegistry reopened = VoiceRegistry.open(dir);
        assertThat(reopened.find("damaged")).isEmpty();
        assertThat(reopened.lookup("damaged")).get().isInstanceOfSatisfying(VoiceStatus.Corrupt.class,
                c -> assertThat(c.problem()).contains("reference.wav fails its SHA-256 checksum"));
        assertThat(reopened.find("healthy")).isPresent();
        assertThat(reopened.list()).extracting(s -> s.name() + ":" + s.getClass().getSimpleName())
                .containsExactly("damaged:Corrupt", "healthy:Ok");
    }

    @Test
    void editedTruncatedOrMissingMetadataIsCorrupt() throws Exception {
        registry.add("edited", design("A calm voice"));
        registry.add("truncated", design("A calm voice"));
        registry.add("missing", design("A calm voice"));
        Path edited = dir.resolve("edited/v1/voice.json");
        Files.writeString(edited, Files.readString(edited).replace("A calm voice", "A clam voice"));
        Path truncated = dir.resolve("truncated/v1/voice.json");
        byte[] t = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(t, t.length / 2));
        Files.delete(dir.resolve("missing/v1/voice.json"));

        assertThat(registry.list()).allMatch(VoiceStatus.Corrupt.class::isInstance).hasSize(3);
        assertThat(((VoiceStatus.Corrupt) registry.lookup("edited").orElseThrow()).problem()).contains("voice.json fails its SHA-256");
        assertThat(((VoiceStatus.Corrupt) registry.lookup("truncated").orElseThrow()).problem()).contains("not valid JSON");
        assertThat(((VoiceStatus.Corrupt) registry.lookup("missing").orElseThrow()).problem()).contains("voice.json is missing");
    }

    @Test
    void aCorruptCurrentVersionIsNotReplacedByAnOlderOneSilently() throws Exception {
        registry.add("brand", design("old"));
        registry.add("brand", design("new"));
        Files.write(dir.resolve("brand/v2/voice.json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(registry.find("brand")).isEmpty();
        assertThat(registry.versions("brand")).extracting(s -> s.getClass().getSimpleName()).containsExactly("Ok", "Corrupt");
        // Registering again moves on to a fresh, good version.
        assertThat(registry.add("brand", design("newer")).version()).isEqualTo(3);
        assertThat(registry.find("brand")).isPresent();
    }

    @Test
    void leftoversOfInterruptedWritesAreIgnoredAndCleanedUp() throws Exception {
        registry.add("brand", design("x"));
        Files.createDirectories(dir.resolve(".tmp-123/"));
        Files.writeString(dir.resolve(".tmp-123/voice.json"), "{\"half");
        Files.createDirectories(dir.resolve(".trash-9/v1"));
        Files.createDirectories(dir.resolve("newvoice"));

        assertThat(registry.list()).extracting(VoiceStatus::name).containsExactly("brand");
        assertThat(registry.find("newvoice")).isEmpty();
        VoiceRegistry.open(dir);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("brand", ".lock", VoiceAuditLog.FILE);
        }
    }

    @Test
    void concurrentAddsFromManyThreadsGetDistinctDenseVersions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Voice>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                // A second registry object on the same directory, as another component would open it.
                VoiceRegistry r = t % 2 == 0 ? registry : VoiceRegistry.open(dir);
                for (int i = 0; i < 5; i++) {
                    String text = "thread " + t + " add " + i;
                    futures.add(pool.submit(() -> r.add("shared", design(text))));
                }
            }
            List<Integer> versions = new ArrayList<>();
            for (Future<Voice> f : futures) {
                versions.add(f.get().version());
            }
            assertThat(versions).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.versions("shared")).hasSize(20).allMatch(VoiceStatus.Ok.class::isInstance);
    }
}
