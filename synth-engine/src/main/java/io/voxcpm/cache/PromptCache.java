package io.voxcpm.cache;

import io.voxcpm.files.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthesised audio on disk, one file per {@link CacheKey}, under a size cap with least-recently-used
 * eviction.
 *
 * <p><b>Layout.</b> {@code <dir>/<first two hex digits>/<digest>.pcm}, see {@link EntryFile} for the
 * bytes. Files are written as {@code <digest>.pcm.<random>.tmp} in the same directory, fsynced, renamed
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

    private final Path dir;
    private final long maxBytes;
    /** digest → file size, in access order (eldest first); guarded by itself. */
    private final LinkedHashMap<String, Long> index = new LinkedHashMap<>(64, 0.75f, true);
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
        Path file = fileFor(digest);
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
            deleteQuietly(file);
            return Optional.empty();
        }
        synchronized (index) {
            if (index.get(digest) == null) { // written by another process since we opened
                index.put(digest, (long) bytes.length);
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
        Path file = fileFor(digest);
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
            syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
        synchronized (index) {
            Long previous = index.put(digest, (long) data.length);
            bytes += data.length - (previous == null ? 0 : previous);
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

    Path fileFor(String digest) {
        return dir.resolve(digest.substring(0, 2)).resolve(digest + SUFFIX);
    }

    private void evict() {
        List<String> victims = new ArrayList<>();
        synchronized (index) {
            Iterator<Map.Entry<String, Long>> eldest = index.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                Map.Entry<String, Long> e = eldest.next();
                bytes -= e.getValue();
                victims.add(e.getKey());
                eldest.remove();
            }
        }
        for (String digest : victims) {
            deleteQuietly(fileFor(digest));
            evictions.incrementAndGet();
        }
        if (!victims.isEmpty()) {
            log.debug("Evicted {} cache entries to stay under {} bytes", victims.size(), maxBytes);
        }
    }

    private void forget(String digest) {
        synchronized (index) {
            Long size = index.remove(digest);
            if (size != null) {
                bytes -= size;
            }
        }
    }

    private void scan() throws IOException {
        record Found(String digest, long size, FileTime modified) {
        }
        List<Found> found = new ArrayList<>();
        int temps = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path shard : shards) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        if (name.endsWith(TEMP_SUFFIX)) {
                            deleteQuietly(f);
                            temps++;
                        } else if (name.endsWith(SUFFIX) && Files.isRegularFile(f)) {
                            found.add(new Found(name.substring(0, name.length() - SUFFIX.length()), Files.size(f),
                                    Files.getLastModifiedTime(f)));
                        }
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        found.sort(Comparator.comparing(Found::modified));
        synchronized (index) {
            for (Found f : found) {
                index.put(f.digest(), f.size());
                bytes += f.size();
            }
        }
        log.info("Prompt cache {}: {} entries, {} bytes (cap {}){}", dir, found.size(), bytes, maxBytes,
                temps == 0 ? "" : "; removed " + temps + " unfinished writes");
        evict();
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // recency is then only in memory until the next hit; not worth failing a hit for
            log.debug("Cannot touch {}: {}", file, e.toString());
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open directories; the rename is still atomic, only not yet durable
            log.debug("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", file, e.toString());
        }
    }
}
