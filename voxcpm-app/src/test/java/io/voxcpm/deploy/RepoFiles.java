package io.voxcpm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The repository's own files, for tests that check what ships beside the Java code (scripts, recipes). */
public final class RepoFiles {

    /** Set by .ci/run: there a missing checking tool is a failure, not a skipped test. */
    static final boolean IN_CI = System.getenv("VOXCPM_CI") != null;

    private static final Set<String> NOT_SOURCES = Set.of(".git", "target", "build", "node_modules",
            "__pycache__", ".idea", ".mvn");
    private static final Pattern SHELL_SHEBANG = Pattern.compile("^#!\\s*(/usr)?/bin/(env\\s+)?(ba|da)?sh\\b.*");

    private RepoFiles() {
    }

    /** The repository root: the nearest directory above the working directory holding the Maven wrapper and docker/. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docker"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    /** Every shell script in the repository: *.sh files and files whose first line is a sh/bash shebang. */
    static List<Path> shellScripts() {
        Path root = root();
        List<Path> scripts = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && NOT_SOURCES.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && (file.getFileName().toString().endsWith(".sh") || hasShellShebang(file))) {
                        scripts.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.sort(scripts);
        return scripts;
    }

    private static boolean hasShellShebang(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(80);
            String firstLine = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            return SHELL_SHEBANG.matcher(firstLine).matches();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
