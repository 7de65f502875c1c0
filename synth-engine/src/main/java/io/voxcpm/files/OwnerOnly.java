package io.voxcpm.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only the server's own user may read: voice recordings (biometric data held under consent) and
 * cached audio of what callers were told. Directories are created {@code 0700} and files {@code 0600}
 * whatever the umask says, and an existing directory or file the server writes again is tightened to the
 * same. On a file system without POSIX permissions (Windows) these are plain creates.
 */
public final class OwnerOnly {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** Creates {@code dir} and its missing parents as {@code 0700}; tightens {@code dir} itself if it exists. */
    public static Path createDirectories(Path dir) throws IOException {
        if (!posix(dir.getFileSystem())) {
            return Files.createDirectories(dir);
        }
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            tighten(absolute, DIRECTORY);
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        createDirectory(absolute);
        return dir;
    }

    /** Creates one directory ({@code 0700}); fails like {@link Files#createDirectory} if it exists. */
    public static Path createDirectory(Path dir) throws IOException {
        if (!posix(dir.getFileSystem())) {
            return Files.createDirectory(dir);
        }
        Files.createDirectory(dir, attribute(DIRECTORY));
        tighten(dir, DIRECTORY); // the umask may have taken bits the attribute asked for; none are added
        return dir;
    }

    /** Opens a new file ({@code CREATE_NEW}) for writing, {@code 0600}. */
    public static FileChannel createNew(Path file) throws IOException {
        if (!posix(file.getFileSystem())) {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attribute(FILE));
    }

    /** Sets {@code 0700} on a directory or {@code 0600} on a file that already exists (no-op without POSIX). */
    public static void tighten(Path path) throws IOException {
        tighten(path, Files.isDirectory(path) ? DIRECTORY : FILE);
    }

    private static void tighten(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (posix(path.getFileSystem()) && !Files.getPosixFilePermissions(path).equals(wanted)) {
            Files.setPosixFilePermissions(path, wanted);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }

    private static boolean posix(FileSystem fs) {
        return fs.supportedFileAttributeViews().contains("posix");
    }
}
