package dev.toploras.inbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Says whether a `serve` takes files from an inbox: serve holds an operating-system lock on {@code .serve.lock} in
 * the inbox for as long as it runs (the system drops it when the process ends, even on kill -9), and `submit --wait`
 * finds the lock free when nothing serves, so it can say so at once instead of waiting in silence. The file is
 * hidden and not .json: the inbox flow never reads it.
 */
public final class InboxLock implements AutoCloseable {
    static final String NAME = ".serve.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private InboxLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock for a serve; null when the folder cannot hold it (read-only) or another serve has it. */
    public static InboxLock hold(Path inbox) {
        try {
            Files.createDirectories(inbox);
            FileChannel ch = FileChannel.open(inbox.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock l = ch.tryLock();
                if (l != null) {
                    return new InboxLock(ch, l);
                }
            } catch (OverlappingFileLockException e) {
                // a serve in this JVM has it
            }
            ch.close();
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** True when a running serve holds the inbox's lock (in this process or another). */
    public static boolean served(Path inbox) {
        Path file = inbox.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return true; // cannot tell (a read-only inbox): do not claim nobody serves
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is stopping; the system drops the lock anyway
        }
    }
}
