package io.voxcpm.voice;

import io.voxcpm.files.OwnerOnly;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one-writer-at-a-time lock of a registry directory, across processes and threads. An OS file lock
 * ({@link FileChannel#lock}) excludes other processes and is dropped by the kernel when its holder
 * dies, even by kill -9, so a crash never leaves the registry locked. The JVM allows one such lock
 * per file per process, so threads of one process first queue on an in-process lock.
 */
final class WriterLock implements AutoCloseable {

    static final String FILE = ".lock";
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private WriterLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** The lock file, created {@code 0600} like everything else in the registry. */
    private static FileChannel open(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        try {
            return OwnerOnly.createNew(file);
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(file, StandardOpenOption.WRITE);
        }
    }

    /** Waits for the lock. */
    static WriterLock acquire(Path dir) throws IOException {
        ReentrantLock t = IN_PROCESS.computeIfAbsent(dir.toRealPath(), p -> new ReentrantLock());
        t.lock();
        try {
            FileChannel ch = open(dir);
            try {
                return new WriterLock(t, ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            t.unlock();
            throw e;
        }
    }

    /** Takes the lock only if it is free right now; null otherwise. */
    static WriterLock tryAcquire(Path dir) throws IOException {
        ReentrantLock t = IN_PROCESS.computeIfAbsent(dir.toRealPath(), p -> new ReentrantLock());
        if (!t.tryLock()) {
            return null;
        }
        FileChannel ch = null;
        try {
            ch = open(dir);
            FileLock l = ch.tryLock();
            if (l != null) {
                return new WriterLock(t, ch, l);
            }
            ch.close();
            t.unlock();
            return null;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            t.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
