package io.voxcpm.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voxcpm.cache.CacheKey;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.TestWavs;
import io.voxcpm.voice.VoiceRegistry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Voice recordings and cached audio are readable by the server's user only: directories {@code 0700},
 * files {@code 0600}, whatever the umask (these tests run under the usual 022, which would leave them
 * world-readable), and a directory created looser by an older version is tightened when opened.
 */
class OwnerOnlyFilesTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    }

    @Test
    void aRegisteredVoiceIsOwnerOnlyEvenInALooseExistingDirectory() throws Exception {
        Path dir = tmp.resolve("voices");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        VoiceRegistry registry = VoiceRegistry.open(dir);
        Recording recording = Recording.fromWav(TestWavs.speechLike(2.0), "jane.wav");
        registry.add("jane", new NewVoice.Clone(recording, "hello", null, "Jane Doe, signed 2026-11-01", null, "ops"));
        registry.add("jane", new NewVoice.Design("a calm voice", null, "ops"));

        List<Path> all = tree(dir);
        assertThat(all).as("a reference recording was stored").anyMatch(p -> p.toString().endsWith(".wav"));
        assertOwnerOnly(all);
    }

    @Test
    void cacheEntriesAndTheirDirectoriesAreOwnerOnly() throws Exception {
        Path dir = tmp.resolve("cache");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        CacheKey key = CacheKey.builder().text("your balance is").engine("test", "1")
                .output(8000, CacheKey.PCM_S16LE).build();
        cache.put(key, 8000, new short[800]);
        cache.put(key, 8000, new short[900]); // rewritten in place

        List<Path> all = tree(dir);
        assertThat(all.stream().filter(Files::isRegularFile)).hasSize(1);
        assertOwnerOnly(all);
    }

    @Test
    void createDirectoriesMakesMissingParentsOwnerOnlyToo() throws Exception {
        Path leaf = tmp.resolve("a/b/c");
        OwnerOnly.createDirectories(leaf);
        assertOwnerOnly(List.of(tmp.resolve("a"), tmp.resolve("a/b"), leaf));
        try (var ch = OwnerOnly.createNew(leaf.resolve("f"))) {
            assertThat(ch.isOpen()).isTrue();
        }
        assertOwnerOnly(List.of(leaf.resolve("f")));
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.toList();
        }
    }

    private static void assertOwnerOnly(List<Path> paths) throws IOException {
        for (Path p : paths) {
            String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo(want);
        }
    }
}
