package io.voxcpm.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The prompt cache's file-system chores. */
final class CacheFiles {

    private static final Logger log = LoggerFactory.getLogger(CacheFiles.class);

    private CacheFiles() {
    }

    static List<Path> children(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    static void syncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open directories; the rename is still atomic, only not yet durable
            log.debug("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", file, e.toString());
        }
    }
}
