package io.voxcpm.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptCacheTest {

    private static final int RATE = 8000;

    @TempDir
    Path dir;

    private static CacheKey key(String text) {
        return CacheKey.builder().text(text).engine("test", "1").output(RATE, CacheKey.PCM_S16LE).build();
    }

    private static short[] audio(int n, int seed) {
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) (i * 31 + seed * 1009);
        }
        return pcm;
    }

    private long entrySize(PromptCache cache, CacheKey key) throws IOException {
        return Files.size(cache.fileFor(key.digest()));
    }

    @Test
    void storesAndReadsBackExactly() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        short[] pcm = audio(1234, 1);
        assertThat(cache.put(key("a"), RATE, pcm)).isTrue();
        Optional<CachedAudio> got = PromptCache.open(dir, 1 << 20).get(key("a")); // survives reopening
        assertThat(got).isPresent();
        assertThat(got.get().samples()).isEqualTo(pcm);
        assertThat(got.get().sampleRate()).isEqualTo(RATE);
        assertThat(cache.get(key("b"))).isEmpty();
        CacheStats s = cache.stats();
        assertThat(s.entries()).isEqualTo(1);
        assertThat(s.stores()).isEqualTo(1);
        assertThat(s.bytes()).isEqualTo(entrySize(cache, key("a")));
    }

    @Test
    void evictsTheLeastRecentlyUsedAtTheCap() throws Exception {
        PromptCache probe = PromptCache.open(dir.resolve("probe"), 1 << 20);
        probe.put(key("size"), RATE, audio(1000, 0));
        long one = entrySize(probe, key("size"));

        PromptCache cache = PromptCache.open(dir.resolve("c"), 3 * one);
        cache.put(key("a"), RATE, audio(1000, 1));
        cache.put(key("b"), RATE, audio(1000, 2));
        cache.put(key("c"), RATE, audio(1000, 3));
        assertThat(cache.get(key("a"))).isPresent(); // now b is the least recently used
        cache.put(key("d"), RATE, audio(1000, 4));

        assertThat(cache.contains(key("b"))).isFalse();
        assertThat(Files.exists(cache.fileFor(key("b").digest()))).isFalse();
        assertThat(cache.contains(key("a"))).isTrue();
        assertThat(cache.contains(key("c"))).isTrue();
        assertThat(cache.contains(key("d"))).isTrue();
        CacheStats s = cache.stats();
        assertThat(s.evictions()).isEqualTo(1);
        assertThat(s.bytes()).isLessThanOrEqualTo(3 * one);
        assertThat(s.entries()).isEqualTo(3);
    }

    @Test
    void recencySurvivesARestartThroughModificationTimes() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        cache.put(key("old"), RATE, audio(1000, 1));
        cache.put(key("new"), RATE, audio(1000, 2));
        long one = entrySize(cache, key("old"));
        Files.setLastModifiedTime(cache.fileFor(key("old").digest()), FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(cache.fileFor(key("new").digest()), FileTime.fromMillis(2_000_000));

        PromptCache reopened = PromptCache.open(dir, one); // room for one: the older goes
        assertThat(reopened.contains(key("new"))).isTrue();
        assertThat(reopened.contains(key("old"))).isFalse();
        assertThat(reopened.stats().evictions()).isEqualTo(1);
    }

    @Test
    void aFlippedByteMakesAMissAndTheEntryIsDeleted() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        cache.put(key("a"), RATE, audio(1000, 1));
        Path file = cache.fileFor(key("a").digest());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x10);
        }
        assertThat(cache.get(key("a"))).isEmpty();
        assertThat(Files.exists(file)).isFalse();
        assertThat(cache.contains(key("a"))).isFalse();
        assertThat(cache.stats().discarded()).isEqualTo(1);
        assertThat(cache.stats().bytes()).isZero();
    }

    @Test
    void aTruncatedEntryMakesAMissAndIsDeleted() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        cache.put(key("a"), RATE, audio(1000, 1));
        Path file = cache.fileFor(key("a").digest());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        PromptCache reopened = PromptCache.open(dir, 1 << 20);
        assertThat(reopened.get(key("a"))).isEmpty();
        assertThat(Files.exists(file)).isFalse();
        assertThat(reopened.stats().discarded()).isEqualTo(1);
    }

    @Test
    void anEntryRenamedToAnotherKeyIsNotServed() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        cache.put(key("a"), RATE, audio(1000, 1));
        Path target = cache.fileFor(key("b").digest());
        Files.createDirectories(target.getParent());
        Files.copy(cache.fileFor(key("a").digest()), target);
        assertThat(PromptCache.open(dir, 1 << 20).get(key("b"))).isEmpty();
        assertThat(Files.exists(target)).isFalse();
    }

    @Test
    void unfinishedWritesFromACrashAreIgnoredAndRemoved() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        cache.put(key("a"), RATE, audio(1000, 1));
        Path real = cache.fileFor(key("a").digest());
        Path partialOfB = cache.fileFor(key("b").digest()).resolveSibling(key("b").digest() + ".pcm.5f3a.tmp");
        Files.createDirectories(partialOfB.getParent());
        Files.write(partialOfB, new byte[] {'V', 'X', 'P', 'C', 1});
        Path partialOfA = real.resolveSibling(real.getFileName() + ".77.tmp");
        Files.write(partialOfA, new byte[10]);

        PromptCache reopened = PromptCache.open(dir, 1 << 20);
        assertThat(Files.exists(partialOfB)).isFalse();
        assertThat(Files.exists(partialOfA)).isFalse();
        assertThat(reopened.stats().entries()).isEqualTo(1);
        assertThat(reopened.get(key("a"))).isPresent();
        assertThat(reopened.get(key("b"))).isEmpty();
    }

    @Test
    void anEntryLargerThanTheCapIsNotStored() throws Exception {
        PromptCache cache = PromptCache.open(dir, 1000);
        assertThat(cache.put(key("big"), RATE, audio(1000, 1))).isFalse();
        assertThat(cache.stats().entries()).isZero();
    }
}
