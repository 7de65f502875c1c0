package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoiceAuditLogTest {

    private static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    private static final String CONSENT = "Jane Doe, signed release 2026-11-01";

    @TempDir
    Path dir;

    private VoiceRegistry registry;
    private Recording recording;

    @BeforeEach
    void setUp() throws Exception {
        registry = VoiceRegistry.open(dir, Clock.fixed(T0, ZoneOffset.UTC));
        recording = Recording.fromWav(TestWavs.speechLike(3.0), "jane.wav");
    }

    private NewVoice.Clone jane() {
        return new NewVoice.Clone(recording, null, "cheerful", CONSENT, null, "ops@acme");
    }

    @Test
    void everyAddAndRemoveIsRecordedWithWhoHowAndAHashOfTheConsent() throws Exception {
        registry.add("jane", jane(), "cli");
        registry.add("warm", new NewVoice.Design("A warm voice", null, "design@acme"), "admin-api from 10.0.0.7");
        registry.add("jane", jane(), "cli");
        assertThat(registry.remove("jane", new VoiceAuditLog.Actor("dpo@acme", "admin-api from 10.0.0.9"),
                "workers 1 of 1, cache 3 entries")).isTrue();
        assertThat(registry.remove("nobody", new VoiceAuditLog.Actor("x", "cli"), null)).isFalse();

        List<VoiceAuditLog.Entry> log = VoiceRegistry.open(dir).auditLog().read();
        String consentHash = Hashing.sha256(CONSENT);
        assertThat(log).containsExactly(
                new VoiceAuditLog.Entry(T0.toString(), "add", "jane", 1, "clone", "ops@acme", "cli", consentHash,
                        recording.sha256(), null),
                new VoiceAuditLog.Entry(T0.toString(), "add", "warm", 1, "design", "design@acme",
                        "admin-api from 10.0.0.7", null, null, null),
                new VoiceAuditLog.Entry(T0.toString(), "add", "jane", 2, "clone", "ops@acme", "cli", consentHash,
                        recording.sha256(), null),
                new VoiceAuditLog.Entry(T0.toString(), "remove", "jane", 2, "clone", "dpo@acme",
                        "admin-api from 10.0.0.9", consentHash, recording.sha256(), "workers 1 of 1, cache 3 entries"));
        String raw = Files.readString(dir.resolve(VoiceAuditLog.FILE));
        assertThat(raw).doesNotContain("Jane Doe"); // the record of a withdrawn voice keeps no personal data
        assertThat(raw.lines()).hasSize(4);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(VoiceAuditLog.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void aLineTornByACrashIsSkippedAndTheNextRecordStartsOnALineOfItsOwn() throws Exception {
        registry.add("warm", new NewVoice.Design("A warm voice", null, "a"), "cli");
        Files.write(dir.resolve(VoiceAuditLog.FILE), "{\"time\":\"2026-12-06T09:00:00Z\",\"action\":\"add\",\"vo"
                .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        registry.add("cold", new NewVoice.Design("A cold voice", null, "b"), "cli");

        assertThat(registry.auditLog().read()).extracting(VoiceAuditLog.Entry::voice).containsExactly("warm", "cold");
        List<String> lines = Files.readAllLines(dir.resolve(VoiceAuditLog.FILE));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("\"voice\":\"warm\"").endsWith("}");
        assertThat(lines.get(2)).startsWith("{").contains("\"voice\":\"cold\"");
    }

    @Test
    void aRegistryWithoutChangesHasNoLog() throws Exception {
        assertThat(registry.auditLog().read()).isEmpty();
        assertThat(registry.list()).isEmpty(); // the log file is never taken for a voice
        registry.add("warm", new NewVoice.Design("A warm voice", null, "a"));
        assertThat(VoiceRegistry.open(dir).list()).hasSize(1);
        assertThat(registry.auditLog().read()).singleElement().extracting(VoiceAuditLog.Entry::via).isEqualTo("library");
    }
}
