package io.voxcpm.voice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxcpm.files.OwnerOnly;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Named, versioned voices in a directory. Layout:
 *
 * <pre>
 * DIR/.lock                          writers' lock (OS file lock)
 * DIR/audit.log                      who added and removed which voice, when, under which consent ({@link VoiceAuditLog})
 * DIR/NAME/vN/voice.json             metadata with its SHA-256
 * DIR/NAME/vN/reference.wav          clone voices: 16 kHz mono 16-bit
 * DIR/NAME/vN/anchor.wav             anchored design voices: the accepted rendering, 16 kHz mono 16-bit
 * DIR/.tmp-UUID/                     a version being written (stale after a crash; deleted)
 * DIR/.trash-UUID/                   a voice being removed (stale after a crash; deleted)
 * </pre>
 *
 * <p>The current version of a voice is its highest {@code vN} directory. A version is written
 * completely into a {@code .tmp-} directory, every file and the directory fsynced, and then renamed to
 * {@code NAME/vN} in one atomic step, which is the commit: before it the voice is the old version, after
 * it the new one, whenever the process dies. Removal is likewise one rename of {@code NAME} out of sight
 * before its files are deleted. Readers take no lock; they only ever see complete version directories.
 * Writers (add, remove, cleanup) hold {@link WriterLock}, so two processes adding at once take turns and
 * never pick the same version number; a lock dies with its process, so a kill never wedges the registry.
 *
 * <p>Every load verifies the checksums. A damaged version is reported as {@link VoiceStatus.Corrupt}
 * and never used; other voices are unaffected. Thread-safe.
 */
public final class VoiceRegistry {

    public static final Path DEFAULT_DIRECTORY = Path.of("data", "voices");

    private static final Logger log = LoggerFactory.getLogger(VoiceRegistry.class);
    private static final Pattern VERSION_DIR = Pattern.compile("v([1-9][0-9]{0,8})");
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String TRASH_PREFIX = ".trash-";

    private final Path dir;
    private final Clock clock;
    private final VoiceAuditLog audit;
    /** The last verified version of each voice looked up; see {@link #readCached}. */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    /** Adds and removes made through this instance; see {@link #changes}. */
    private final AtomicLong changes = new AtomicLong();

    private VoiceRegistry(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
        this.audit = new VoiceAuditLog(dir);
    }

    /** Opens (creating if needed) the registry in {@code dir}. */
    public static VoiceRegistry open(Path dir) throws IOException {
        return open(dir, Clock.systemUTC());
    }

    public static VoiceRegistry open(Path dir, Clock clock) throws IOException {
        // 0700 (also when it exists): recordings are biometric data; nothing under it is for other users
        OwnerOnly.createDirectories(dir);
        VoiceRegistry registry = new VoiceRegistry(dir.toAbsolutePath().normalize(), clock);
        // Leftovers of a crashed writer can only be told from a live writer's work by holding the lock.
        try (WriterLock lock = WriterLock.tryAcquire(registry.dir)) {
            if (lock != null) {
                registry.removeLeftovers();
            }
        }
        return registry;
    }

    public Path directory() {
        return dir;
    }

    /** The record of every add and remove made through this registry's directory, by any process. */
    public VoiceAuditLog auditLog() {
        return audit;
    }

    /**
     * How many voices this instance has added or removed: a count that grows on every change made in this
     * process, so what was worked out from the voices (a SPEAK's plan) can tell it is stale without a disk
     * look-up. Changes made by another process on the same directory are not counted.
     */
    public long changes() {
        return changes.get();
    }

    /** The current version of a usable voice; empty if there is none by that name or it is corrupt. */
    public Optional<Voice> find(String name) {
        Optional<VoiceStatus> status = lookup(name);
        if (status.isPresent() && status.get() instanceof VoiceStatus.Corrupt c) {
            log.warn("voice {} v{} is corrupt and not used: {}", c.name(), c.version(), c.problem());
        }
        return status.filter(VoiceStatus.Ok.class::isInstance).map(s -> ((VoiceStatus.Ok) s).voice());
    }

    /** The current version of a voice as found on disk, usable or corrupt; empty if there is none. */
    public Optional<VoiceStatus> lookup(String name) {
        if (!VoiceNames.isValid(name)) {
            return Optional.empty();
        }
        Path voiceDir = dir.resolve(name);
        List<Integer> versions = versionsIn(voiceDir);
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        int current = versions.get(versions.size() - 1);
        VoiceStatus status = readCached(name, current);
        // A remove that ran while we read looks like missing files: it is an absent voice, not a corrupt one.
        if (status instanceof VoiceStatus.Corrupt && !Files.isDirectory(voiceDir.resolve("v" + current))) {
            return Optional.empty();
        }
        return Optional.of(status);
    }

    /** Every voice's current version, by name. */
    public List<VoiceStatus> list() {
        List<VoiceStatus> out = new ArrayList<>();
        for (String name : voiceNames()) {
            lookup(name).ifPresent(out::add);
        }
        return out;
    }

    /** Every stored version of a voice, oldest first; empty if there is no such voice. */
    public List<VoiceStatus> versions(String name) {
        if (!VoiceNames.isValid(name)) {
            return List.of();
        }
        return versionsIn(dir.resolve(name)).stream().map(v -> read(name, v)).toList();
    }

    /**
     * Stores {@code voice} as the next version of {@code name} (version 1 if new) and returns it as
     * read back from disk.
     *
     * @throws InvalidVoiceException the name or the voice breaks a rule; the message says which
     * @throws IOException           the registry directory cannot be written
     */
    public Voice add(String name, NewVoice voice) throws InvalidVoiceException, IOException {
        return add(name, voice, "library");
    }

    /**
     * {@link #add(String, NewVoice)}, recorded in the {@link #auditLog() audit log} as made by the voice's
     * {@code registeredBy} through {@code via} (e.g. {@code cli}).
     */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public Voice add(String name, NewVoice voice, String via) throws InvalidVoiceException, IOException {
        VoiceNames.requireValid(name);
        VoiceRules.check(voice);
        try (WriterLock lock = WriterLock.acquire(dir)) {
            removeLeftovers();
            Path voiceDir = dir.resolve(name);
            List<Integer> existing = versionsIn(voiceDir);
            int version = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;

            ObjectNode metadata = VoiceCodec.metadata(name, version, clock.instant(), voice);
            Path staging = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
            OwnerOnly.createDirectory(staging);
            if (voice instanceof NewVoice.Clone c) {
                DurableFiles.writeNew(staging.resolve(VoiceCodec.REFERENCE_FILE), c.recording().wav());
            } else if (voice instanceof NewVoice.Design d && d.anchor() != null) {
                DurableFiles.writeNew(staging.resolve(VoiceCodec.ANCHOR_FILE), d.anchor().clip().wav());
            }
            DurableFiles.writeNew(staging.resolve(VoiceCodec.METADATA_FILE),
                    VoiceCodec.serialize(metadata, VoiceCodec.checksum(metadata)));
            DurableFiles.syncDirectory(staging);
            if (!Files.isDirectory(voiceDir)) {
                OwnerOnly.createDirectory(voiceDir);
                DurableFiles.syncDirectory(dir);
            } else {
                OwnerOnly.tighten(voiceDir); // written by an older version under a looser umask
            }
            VoiceAuditLog.Entry record = VoiceAuditLog.added(clock.instant(), name, version, voice, via);
            audit.append(record); // before the commit: no voice is ever stored without its record
            try {
                Files.move(staging, voiceDir.resolve("v" + version), StandardCopyOption.ATOMIC_MOVE);
                changes.incrementAndGet(); // committed: a plan made before it may name the old version
                DurableFiles.syncDirectory(voiceDir);
                DurableFiles.syncDirectory(dir);
            } catch (IOException | RuntimeException e) {
                appendQuietly(VoiceAuditLog.failed(record, e));
                throw e;
            }

            VoiceStatus stored = read(name, version);
            if (stored instanceof VoiceStatus.Corrupt c) {
                throw new IOException("voice " + name + " v" + version + " was written but reads back corrupt: " + c.problem());
            }
            Voice v = ((VoiceStatus.Ok) stored).voice();
            log.info("voice {} v{} registered ({}) by {}", name, version, v.kind().label(), v.registeredBy());
            return v;
        }
    }

    /**
     * Deletes a voice and every version of it, recordings included (a withdrawn consent must leave
     * nothing behind). Returns false if there was no such voice.
     */
    public boolean remove(String name) throws IOException {
        return remove(name, VoiceAuditLog.Actor.local("library"), null);
    }

    /**
     * {@link #remove(String)}, recorded in the {@link #auditLog() audit log} as made by {@code actor}, with
     * {@code detail} (what else the removal reached, e.g. workers and cache; may be null).
     */
    @SuppressWarnings("try")
    public boolean remove(String name, VoiceAuditLog.Actor actor, String detail) throws IOException {
        if (!VoiceNames.isValid(name)) {
            return false;
        }
        try (WriterLock lock = WriterLock.acquire(dir)) {
            Path voiceDir = dir.resolve(name);
            if (!Files.isDirectory(voiceDir)) {
                return false;
            }
            List<Integer> versions = versionsIn(voiceDir);
            boolean existed = !versions.isEmpty();
            Path trash = dir.resolve(TRASH_PREFIX + UUID.randomUUID());
            VoiceAuditLog.Entry record = null;
            if (existed) {
                int current = versions.get(versions.size() - 1);
                record = VoiceAuditLog.removed(clock.instant(), name, current, read(name, current), actor, detail);
                audit.append(record);
            }
            try {
                Files.move(voiceDir, trash, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                if (record != null) {
                    appendQuietly(VoiceAuditLog.failed(record, e));
                }
                throw e;
            }
            loaded.remove(name);
            changes.incrementAndGet();
            DurableFiles.syncDirectory(dir);
            DurableFiles.deleteTree(trash);
            if (existed) {
                log.info("voice {} removed", name);
            }
            return existed;
        }
    }

    private void appendQuietly(VoiceAuditLog.Entry entry) {
        try {
            audit.append(entry);
        } catch (IOException e) {
            log.warn("cannot record in {} that {} {} failed: {}", audit.file(), entry.action(), entry.voice(), e.toString());
        }
    }

    /**
     * Records an administrative change that is not an add or remove (a cache purge, a pre-warm, a session ended by
     * an operator) in the {@link #auditLog() audit log}, in turn with the registry's writers.
     *
     * @param subject the voice concerned, or {@code *} for all
     */
    @SuppressWarnings("try")
    public void record(String action, String subject, VoiceAuditLog.Actor actor, String detail) throws IOException {
        try (WriterLock lock = WriterLock.acquire(dir)) {
            audit.append(new VoiceAuditLog.Entry(clock.instant().toString(), action, subject, 0, null, actor.who(),
                    actor.via(), null, null, detail));
        }
    }

    /**
     * A version directory never changes once renamed into place, so a verified read is kept and served again
     * while its directory and files are the same ones (file key, modification time and size of each: a voice
     * removed and added again as v1 is a new directory, a file edited by hand has a new time). Lookups then
     * cost a directory listing and three stats instead of reading and hashing the recording, which matters
     * because every SPEAK naming a voice looks it up.
     */
    private VoiceStatus readCached(String name, int version) {
        Path versionDir = dir.resolve(name).resolve("v" + version);
        List<Object> stamp = new ArrayList<>(9);
        for (Path p : List.of(versionDir, versionDir.resolve(VoiceCodec.METADATA_FILE),
                versionDir.resolve(VoiceCodec.REFERENCE_FILE))) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                stamp.add(a.fileKey());
                stamp.add(a.lastModifiedTime());
                stamp.add(a.size());
            } catch (IOException e) {
                stamp.add(null); // a design voice has no recording
            }
        }
        Loaded known = loaded.get(name);
        if (known != null && known.version == version && known.stamp.equals(stamp)) {
            return known.status;
        }
        VoiceStatus status = read(name, version);
        if (status instanceof VoiceStatus.Ok ok) {
            loaded.put(name, new Loaded(version, stamp, ok));
        } else {
            loaded.remove(name);
        }
        return status;
    }

    private record Loaded(int version, List<Object> stamp, VoiceStatus.Ok status) { }

    private VoiceStatus read(String name, int version) {
        Path versionDir = dir.resolve(name).resolve("v" + version);
        try {
            byte[] json = Files.readAllBytes(versionDir.resolve(VoiceCodec.METADATA_FILE));
            Voice v = VoiceCodec.decode(json, file -> Files.readAllBytes(versionDir.resolve(file)));
            if (!v.name().equals(name) || v.version() != version) {
                return new VoiceStatus.Corrupt(name, version, "stored as " + name + "/v" + version
                        + " but its metadata says " + v.name() + " v" + v.version() + " (copied by hand?)");
            }
            return new VoiceStatus.Ok(v);
        } catch (VoiceCodec.CorruptVoiceException e) {
            return new VoiceStatus.Corrupt(name, version, e.getMessage());
        } catch (NoSuchFileException e) {
            return new VoiceStatus.Corrupt(name, version, VoiceCodec.METADATA_FILE + " is missing");
        } catch (IOException e) {
            return new VoiceStatus.Corrupt(name, version, "cannot be read: " + e);
        }
    }

    /** Deletes what crashed writers left. Only call while holding the writer lock. */
    private void removeLeftovers() throws IOException {
        for (Path p : entries(dir)) {
            String n = p.getFileName().toString();
            boolean stale = n.startsWith(TEMP_PREFIX) || n.startsWith(TRASH_PREFIX)
                    || (VoiceNames.isValid(n) && Files.isDirectory(p) && versionsIn(p).isEmpty());
            if (stale) {
                log.info("removing {} left by an interrupted write", p);
                DurableFiles.deleteTree(p);
            }
        }
    }

    private List<String> voiceNames() {
        return entries(dir).stream()
                .filter(Files::isDirectory)
                .map(p -> p.getFileName().toString())
                .filter(VoiceNames::isValid)
                .sorted()
                .toList();
    }

    private static List<Integer> versionsIn(Path voiceDir) {
        return entries(voiceDir).stream()
                .map(p -> VERSION_DIR.matcher(p.getFileName().toString()))
                .filter(Matcher::matches)
                .map(m -> Integer.parseInt(m.group(1)))
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    private static List<Path> entries(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + d, e);
        }
    }
}
