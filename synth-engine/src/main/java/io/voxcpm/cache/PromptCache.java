package io.voxcpm.cache;

import io.voxcpm.files.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthesised audio on disk, one file per {@link CacheKey}, under a size cap with least-recently-used
 * eviction.
 *
 * <p><b>Layout.</b> {@code <dir>/<first two hex digits>/<digest>.pcm}, and for a registered voice
 * {@code <dir>/voices/<name>/<first two hex digits>/<digest>.pcm}, see {@link EntryFile} for the bytes. Keeping
 * a voice's entries under one directory lets {@link #purgeVoice} remove all of them (a withdrawn consent must
 * leave no audio behind) with one rename, whichever process wrote them. Files are written as {@code <digest>.pcm.<random>.tmp} in the same directory, fsynced, renamed
 * atomically over the final name, and the directory is fsynced: after a crash an entry is either whole
 * or absent. Leftover {@code .tmp} files are deleted when the cache is opened. Every read verifies the
 * entry's checksum; a corrupt or truncated entry is deleted and reported as absent, never served.
 *
 * <p><b>Recency.</b> Kept in memory in access order and persisted as the file's modification time,
 * touched on every hit, so a restart rebuilds the LRU order from one directory scan, without an index
 * file to keep consistent. Several processes (the server and {@code render}) may share a directory:
 * each sees the entries present when it opened plus its own; renames make concurrent writes of one key
 * safe (the last one wins, and both are the same audio).
 *
 * <p>Thread-safe. Reads and writes do blocking file I/O: call them off event loops.
 */
public final class PromptCache {

    /** Where the server and the CLI keep the cache unless told otherwise. */
    public static final Path DEFAULT_DIR = Path.of("data", "cache");
    /** Size cap unless told otherwise: about 3 hours of 48 kHz audio. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private static final Logger log = LoggerFactory.getLogger(PromptCache.class);
    private static final String SUFFIX = ".pcm";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final String VOICES = "voices";
    private static final String TRASH_PREFIX = ".trash-";
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    /** Registered voice names (VoiceNames): safe as directory names. */
    private static final Pattern VOICE_NAME = Pattern.compile("[a-z0-9_-]{1,64}");

    private final Path dir;
    private final long maxBytes;
    /** digest → file size and voice, in access order (eldest first); guarded by itself. */
    private final LinkedHashMap<String, Indexed> index = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes; // guarded by index

    final AtomicLong hits = new AtomicLong();
    final AtomicLong joins = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong bypasses = new AtomicLong();
    private final AtomicLong stores = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong bytesServed = new AtomicLong();

    private PromptCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (creating if needed) the cache in {@code dir}: deletes temp files left by a crash, indexes
     * the entries by modification time, and evicts down to {@code maxBytes}.
     */
    public static PromptCache open(Path dir, long maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        OwnerOnly.createDirectories(dir); // 0700 even when it exists: what callers were told is theirs
        PromptCache cache = new PromptCache(dir, maxBytes);
        cache.scan();
        return cache;
    }

    public Path directory() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Whether an entry for {@code key} is indexed; it may still turn out corrupt when read. */
    public boolean contains(CacheKey key) {
        synchronized (index) {
            return index.containsKey(key.digest());
        }
    }

    /**
     * Reads and verifies the entry for {@code key} and marks it most recently used. A corrupt entry is
     * deleted and reported as absent. Does not count hits or misses; {@link CachingEngine} does.
     */
    public Optional<CachedAudio> get(CacheKey key) {
        String digest = key.digest();
        String voice = voiceOf(key);
        Path file = fileFor(digest, voice);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            forget(digest); // evicted, or removed by another process
            return Optional.empty();
        } catch (IOException e) {
            log.warn("Cannot read cache entry {}: {}", file, e.toString());
            return Optional.empty();
        }
        CachedAudio audio = EntryFile.decode(digest, bytes);
        if (audio == null) {
            log.warn("Cache entry {} is corrupt or truncated ({} bytes); deleting it", file, bytes.length);
            discarded.incrementAndGet();
            forget(digest);
            CacheFiles.deleteQuietly(file);
            return Optional.empty();
        }
        synchronized (index) {
            if (index.get(digest) == null) { // written by another process since we opened
                index.put(digest, new Indexed(bytes.length, voice));
                this.bytes += bytes.length;
            }
        }
        touch(file);
        bytesServed.addAndGet(audio.samples().length * 2L);
        return Optional.of(audio);
    }

    /**
     * Stores {@code samples} under {@code key} atomically, then evicts least recently used entries until
     * the cache fits its cap. An entry larger than the whole cap is not stored.
     *
     * @return whether the entry was stored
     */
    public boolean put(CacheKey key, int sampleRate, short[] samples) throws IOException {
        String digest = key.digest();
        byte[] data = EntryFile.encode(digest, sampleRate, samples);
        if (data.length > maxBytes) {
            log.info("Not caching {}: {} bytes exceed the cap of {}", digest, data.length, maxBytes);
            return false;
        }
        String voice = voiceOf(key);
        Path file = fileFor(digest, voice);
        OwnerOnly.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + TEMP_SUFFIX);
        try {
            try (FileChannel ch = OwnerOnly.createNew(temp)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the cache directory's file system cannot rename atomically: " + dir, e);
            }
            CacheFiles.syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
        synchronized (index) {
            Indexed previous = index.put(digest, new Indexed(data.length, voice));
            bytes += data.length - (previous == null ? 0 : previous.size());
        }
        stores.incrementAndGet();
        evict();
        return true;
    }

    /** Counters since opening, and the size now. */
    public CacheStats stats() {
        long entries;
        long size;
        synchronized (index) {
            entries = index.size();
            size = bytes;
        }
        return new CacheStats(hits.get(), joins.get(), misses.get(), bypasses.get(), stores.get(), evictions.get(),
                discarded.get(), bytesServed.get(), entries, size, maxBytes);
    }

    /**
     * Deletes every entry of the registered voice {@code name}, in every version, including those other
     * processes wrote. Entries being synthesised now are still stored when they finish unless the caller
     * stops that (see {@link CachingEngine}: it stores only audio of a voice version still registered).
     */
    public Purged purgeVoice(String name) throws IOException {
        if (!VOICE_NAME.matcher(name).matches()) {
            return Purged.NONE;
        }
        synchronized (index) {
            index.values().removeIf(e -> {
                if (name.equals(e.voice())) {
                    bytes -= e.size();
                    return true;
                }
                return false;
            });
        }
        Purged purged = discard(dir.resolve(VOICES).resolve(name), dir.resolve(VOICES));
        log.info("Prompt cache {}: purged voice {} ({} entries, {} bytes)", dir, name, purged.entries(), purged.bytes());
        return purged;
    }

    /** Deletes every entry. */
    public Purged purgeAll() throws IOException {
        synchronized (index) {
            index.clear();
            bytes = 0;
        }
        Purged purged = Purged.NONE;
        for (Path p : CacheFiles.children(dir)) {
            String n = p.getFileName().toString();
            if (SHARD.matcher(n).matches() || n.equals(VOICES)) {
                purged = purged.plus(discard(p, dir));
            }
        }
        log.info("Prompt cache {}: purged ({} entries, {} bytes)", dir, purged.entries(), purged.bytes());
        return purged;
    }

    /**
     * What a purge deleted.
     *
     * @param entries entry files deleted
     * @param bytes   their size
     */
    public record Purged(long entries, long bytes) {
        static final Purged NONE = new Purged(0, 0);

        Purged plus(Purged other) {
            return new Purged(entries + other.entries, bytes + other.bytes);
        }
    }

    /** Renames {@code tree} out of sight (the commit: no reader finds its entries after), then deletes it. */
    private static Purged discard(Path tree, Path parent) throws IOException {
        Path trash = parent.resolve(TRASH_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.move(tree, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return Purged.NONE;
        }
        CacheFiles.syncDirectory(parent);
        long[] counted = new long[2];
        try (Stream<Path> files = Files.walk(trash)) {
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).forEach(f -> {
                counted[0]++;
                counted[1] += f.toFile().length();
            });
        }
        CacheFiles.deleteTree(trash);
        return new Purged(counted[0], counted[1]);
    }

    /** The voice directory an entry belongs in: only registered voices (they carry a version) get one. */
    private static String voiceOf(CacheKey key) {
        return !key.voiceVersion().isEmpty() && VOICE_NAME.matcher(key.voiceName()).matches() ? key.voiceName() : null;
    }

    /** The file of an entry; one not indexed (yet) is looked for where voiceless entries live. */
    Path fileFor(String digest) {
        Indexed e;
        synchronized (index) {
            e = index.get(digest);
        }
        return fileFor(digest, e == null ? null : e.voice());
    }

    Path fileFor(CacheKey key) {
        return fileFor(key.digest(), voiceOf(key));
    }

    private Path fileFor(String digest, String voice) {
        Path root = voice == null ? dir : dir.resolve(VOICES).resolve(voice);
        return root.resolve(digest.substring(0, 2)).resolve(digest + SUFFIX);
    }

    private record Indexed(long size, String voice) { }

    private void evict() {
        List<Path> victims = new ArrayList<>();
        synchronized (index) {
            Iterator<Map.Entry<String, Indexed>> eldest = index.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                Map.Entry<String, Indexed> e = eldest.next();
                bytes -= e.getValue().size();
                victims.add(fileFor(e.getKey(), e.getValue().voice()));
                eldest.remove();
            }
        }
        for (Path victim : victims) {
            CacheFiles.deleteQuietly(victim);
            evictions.incrementAndGet();
        }
        if (!victims.isEmpty()) {
            log.debug("Evicted {} cache entries to stay under {} bytes", victims.size(), maxBytes);
        }
    }

    private void forget(String digest) {
        synchronized (index) {
            Indexed e = index.remove(digest);
            if (e != null) {
                bytes -= e.size();
            }
        }
    }

    private record Found(String digest, long size, FileTime modified, String voice) { }

    private void scan() throws IOException {
        List<Found> found = new ArrayList<>();
        int temps = scanShards(dir, null, found);
        for (Path p : CacheFiles.children(dir.resolve(VOICES))) {
            String n = p.getFileName().toString();
            if (n.startsWith(TRASH_PREFIX)) {
                CacheFiles.deleteTree(p); // a purge that a crash interrupted
            } else if (VOICE_NAME.matcher(n).matches() && Files.isDirectory(p)) {
                temps += scanShards(p, n, found);
            }
        }
        for (Path p : CacheFiles.children(dir)) {
            if (p.getFileName().toString().startsWith(TRASH_PREFIX)) {
                CacheFiles.deleteTree(p);
            }
        }
        found.sort(Comparator.comparing(Found::modified));
        synchronized (index) {
            for (Found f : found) {
                index.put(f.digest(), new Indexed(f.size(), f.voice()));
                bytes += f.size();
            }
        }
        log.info("Prompt cache {}: {} entries, {} bytes (cap {}){}", dir, found.size(), bytes, maxBytes,
                temps == 0 ? "" : "; removed " + temps + " unfinished writes");
        evict();
    }

    /** Indexes the entries in the shard directories of {@code root}; returns how many temp files it deleted. */
    private static int scanShards(Path root, String voice, List<Found> found) throws IOException {
        int temps = 0;
        for (Path shard : CacheFiles.children(root)) {
            if (!SHARD.matcher(shard.getFileName().toString()).matches() || !Files.isDirectory(shard)) {
                continue;
            }
            for (Path f : CacheFiles.children(shard)) {
                String name = f.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    CacheFiles.deleteQuietly(f);
                    temps++;
                } else if (name.endsWith(SUFFIX) && Files.isRegularFile(f)) {
                    found.add(new Found(name.substring(0, name.length() - SUFFIX.length()), Files.size(f),
                            Files.getLastModifiedTime(f), voice));
                }
            }
        }
        return temps;
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // recency is then only in memory until the next hit; not worth failing a hit for
            log.debug("Cannot touch {}: {}", file, e.toString());
        }
    }
}
