package io.voxcpm.voice;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The append-only record of every voice added or removed: {@code DIR/audit.log} beside the voices, one JSON
 * object per line. It outlives the voices it names (a removal deletes the recordings, never the record), and
 * holds a hash of the consent text rather than the text, so that the record of a withdrawn voice keeps no
 * personal data but still proves which consent it was registered under.
 *
 * <p><b>Durability.</b> A line is written with one {@code write} on a file opened for appending, then
 * fsynced, while the registry's writer lock is held (the CLI and the server may write at once). Appending never
 * rewrites a byte already there, so a crash can at worst leave the last line torn; the next append first ends
 * such a line, and {@link #read} skips lines that are not complete JSON. A change is recorded just before it
 * commits: a record followed by a {@code failed} one for the same voice and version did not happen, and after
 * a crash between the record and the commit the registry says whether it did.
 */
public final class VoiceAuditLog {

    public static final String FILE = "audit.log";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final byte NEWLINE = '\n';

    private final Path file;

    VoiceAuditLog(Path registryDir) {
        this.file = registryDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /**
     * One change.
     *
     * @param time           when it was made (UTC)
     * @param action         {@code add}, {@code remove}, or either followed by {@code -failed}
     * @param voice          the voice's name
     * @param version        the version added, or the highest version removed (0: none was stored)
     * @param kind           {@code design} or {@code clone}, when known
     * @param by             who made the change (the {@code --by} option, the user, or the API caller's name)
     * @param via            how: {@code cli}, {@code admin-api from ADDRESS}, ...
     * @param consentSha256  SHA-256 of the consent text of a cloned voice (of the removed version's, on removal)
     * @param recordingSha256 SHA-256 of a cloned voice's reference recording
     * @param detail         why a change failed, or what a removal also reached (workers, cache)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String time, String action, String voice, int version, String kind, String by, String via,
                        @JsonProperty("consent_sha256") String consentSha256,
                        @JsonProperty("recording_sha256") String recordingSha256, String detail) {

        public Instant instant() {
            return Instant.parse(time);
        }
    }

    /** Who asks for a change, and through what. */
    public record Actor(String who, String via) {

        public Actor {
            who = who == null || who.isBlank() ? "unknown" : who.strip();
            via = via == null || via.isBlank() ? "unknown" : via.strip();
        }

        /** The local user, through {@code via}. */
        public static Actor local(String via) {
            return new Actor(System.getProperty("user.name", "unknown"), via);
        }
    }

    /** Hash of a consent text as the log stores it: SHA-256 of its UTF-8 bytes, stripped. */
    public static String consentHash(String consent) {
        return consent == null ? null : Hashing.sha256(consent.strip());
    }

    static Entry added(Instant time, String name, int version, NewVoice voice, String via) {
        String consent = null;
        String recording = null;
        if (voice instanceof NewVoice.Clone c) {
            consent = consentHash(c.consent());
            recording = c.recording().sha256();
        }
        Actor actor = new Actor(voice.registeredBy(), via);
        return new Entry(time.toString(), "add", name, version,
                (voice instanceof NewVoice.Clone ? VoiceKind.CLONE : VoiceKind.DESIGN).label(), actor.who(), actor.via(),
                consent, recording, null);
    }

    /** Names the removed voice's current version, and its consent when that version is a readable clone. */
    static Entry removed(Instant time, String name, int version, VoiceStatus current, Actor actor, String detail) {
        String kind = null;
        String consent = null;
        String recording = null;
        if (current instanceof VoiceStatus.Ok ok) {
            kind = ok.voice().kind().label();
            if (ok.voice() instanceof CloneVoice c) {
                consent = consentHash(c.consent());
                recording = c.reference().sha256();
            }
        } else {
            detail = (detail == null ? "" : detail + "; ") + "the removed version was corrupt";
        }
        return new Entry(time.toString(), "remove", name, version, kind, actor.who(), actor.via(), consent, recording,
                detail);
    }

    static Entry failed(Entry record, Exception e) {
        return new Entry(record.time(), record.action() + "-failed", record.voice(), record.version(), record.kind(),
                record.by(), record.via(), record.consentSha256(), record.recordingSha256(), String.valueOf(e.getMessage()));
    }

    /** Appends {@code entry} durably. Call with the registry's writer lock held. */
    void append(Entry entry) throws IOException {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot encode an audit record: " + e.getOriginalMessage(), e);
        }
        boolean created = !Files.exists(file);
        boolean torn = !created && endsTorn(file);
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                ownerOnly())) {
            ByteBuffer out = ByteBuffer.wrap(line);
            if (torn) {
                out = ByteBuffer.allocate(line.length + 1).put(NEWLINE).put(line).flip();
            }
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        if (created) {
            DurableFiles.syncDirectory(file.getParent());
        }
    }

    /** Every complete record, oldest first; a torn or hand-damaged line is skipped. */
    public List<Entry> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            try {
                Entry e = JSON.readValue(l, Entry.class);
                if (e.action() != null && e.voice() != null && e.time() != null) {
                    out.add(e);
                }
            } catch (JsonProcessingException e) {
                // a line cut short by a crash: the records around it are whole
            }
        }
        return out;
    }

    /** Whether the file's last byte is not a newline (a crash cut the last record short). */
    private static boolean endsTorn(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != NEWLINE;
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }
}
