package dev.toploras.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes that other processes may read: always a temp file in the same folder, then a rename, so a reader sees
 * either the old or the new file and a crash never leaves half a file behind.
 */
public final class AtomicFiles {
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> READABLE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

    /** Temp files not yet renamed or deleted, so a process stopped by Ctrl-C can remove what it was writing. */
    private static final java.util.Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] bytes) {
        Path tmp = tempBeside(target);
        try {
            Files.write(tmp, bytes);
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code target} only if no file of that name exists, atomically: the content goes to a temp file that is
     * then hard-linked to the name, and a link fails when the name is taken, whichever process took it. So of many
     * writers racing for one name exactly one wins, and readers never see the file half-written.
     *
     * @return false when the name was taken (nothing is written)
     */
    public static boolean createNew(Path target, byte[] bytes) {
        Path tmp = tempBeside(target);
        try {
            Files.write(tmp, bytes);
            try {
                Files.setPosixFilePermissions(tmp, READABLE);
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: its defaults apply
            }
            Files.createLink(target, tmp);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Deletes this writer's temp files ({@code .<name>*.tmp}) that a killed process left in {@code dir} and were
     * last changed before {@code before}; younger ones may belong to a writer still at work.
     *
     * @return how many were deleted
     */
    public static int deleteStaleTemps(Path dir, java.time.Instant before) {
        int n = 0;
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (java.nio.file.DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path t : temps) {
                try {
                    if (Files.isRegularFile(t, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(t).toInstant().isBefore(before) && Files.deleteIfExists(t)) {
                        n++;
                    }
                } catch (IOException ignored) {
                    // gone already, or not ours to delete: the next start looks again
                }
            }
        } catch (IOException ignored) {
            // an unreadable folder keeps its temp files; readers never open *.tmp
        }
        return n;
    }

    /** A temp file beside {@code target}; the caller fills it and then calls {@link #moveIntoPlace}. */
    public static Path tempBeside(Path target) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            LIVE.add(tmp);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temp file beside " + target + ": " + e.getMessage(), e);
        }
    }

    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        // Temp files are created owner-only; the finished file is for every reader (a web server, a backup).
        try {
            Files.setPosixFilePermissions(tmp, READABLE);
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: its defaults apply
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        LIVE.remove(tmp);
    }

    /** Copies at most {@code maxBytes} from {@code in} into {@code out}; returns the count, or -1 when over the cap. */
    public static long copyCapped(InputStream in, OutputStream out, long maxBytes) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > maxBytes) {
                return -1;
            }
            out.write(buf, 0, n);
        }
        return total;
    }

    /** Deletes every temp file this process has open for writing: for a process about to stop mid-write. */
    public static void deleteLiveTemps() {
        LIVE.forEach(AtomicFiles::deleteQuietly);
    }

    public static void deleteQuietly(Path p) {
        LIVE.remove(p);
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stray temp file is harmless: readers never open *.tmp
        }
    }
}
