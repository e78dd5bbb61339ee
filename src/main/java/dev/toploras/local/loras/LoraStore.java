package dev.toploras.local.loras;

import dev.toploras.core.AtomicFiles;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.ModelId;
import dev.toploras.local.LocalFailures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * LoRA weight files in local.loras-dir, named {@code <repo name>-<first 12 of sha256>.safetensors}: a file gets that
 * name only after its bytes matched the sha256 ModelScope listed, and a stamp of the file as it was then
 * ({@code .verified/<name>.stamp}) lets a later job reuse it without reading it again, unless it changed since. A download in progress is {@code <name>.part}; an interrupted one resumes from its
 * length (HTTP Range, as modelscope/hub/file_download.py does).
 */
public final class LoraStore {
    /** Told how far a download got; called at most once per percent. */
    public interface Progress {
        void bytes(long done, long total);
    }

    /** The read buffer: the store's cap check may see this much past the cap before it stops. */
    public static final int BUFFER = 64 * 1024;
    private static final long DISK_MARGIN = 64L * 1024 * 1024;
    private final Path dir;
    private final long maxBytes;
    private final Map<String, Semaphore> busy = new ConcurrentHashMap<>();
    private final Map<String, Problem> replaced = new ConcurrentHashMap<>();

    public LoraStore(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    public Path dir() {
        return dir;
    }

    /** The name a listed file is kept under; stable for the same bytes of the same repository. */
    public String fileName(String modelId, ModelFile f) {
        // The repository name passed the ModelScope id rule (no separator, no leading '.'); the variable part is
        // the hash, and only a real sha256 names a file (a listing's text never becomes a path).
        String repo = ModelId.parse("loras", modelId).name();
        if (f.hasSha256() && !ModelFile.isSha256(f.sha256())) {
            throw new LocalFailures.LoraHashInvalid(modelId, f.path(), f.sha256());
        }
        String hash = f.hasSha256() ? f.sha256().toLowerCase(Locale.ROOT) : "unverified";
        return repo + "-" + hash.substring(0, Math.min(12, hash.length())) + ".safetensors";
    }

    /**
     * The stored file for a listed one, when an earlier job already fetched and checked it. Its name is not proof
     * enough: a file changed since it was checked (size, modification time, change time or inode differ from its
     * stamp, or it has none) is hashed again, and one whose bytes no longer match is removed, with a note for the
     * download that replaces it ({@link #replacedNote}).
     */
    public Optional<LoraFile> find(String modelId, ModelFile f) {
        if (!f.hasSha256()) {
            return Optional.empty();
        }
        Path p = dir.resolve(fileName(modelId, f));
        if (!Files.isRegularFile(p) || size(p) != f.size()) {
            return Optional.empty();
        }
        String stamp = stamp(p);
        if (stamp == null || !stamp.equals(readStamp(p))) {
            String actual = hashOf(p);
            if (!f.sha256().equalsIgnoreCase(actual)) {
                AtomicFiles.deleteQuietly(p);
                AtomicFiles.deleteQuietly(stampFile(p));
                replaced.put(p.getFileName().toString(), new Problem("LORA_FILE_REPLACED", "the stored "
                        + p.getFileName() + " (" + modelId + ") no longer matched its sha256 " + f.sha256() + " (it"
                        + " hashed to " + actual + "); it was removed and downloaded again",
                        Map.of("model_id", modelId, "file", p.getFileName().toString(), "expected_sha256",
                                f.sha256(), "actual_sha256", String.valueOf(actual))));
                return Optional.empty();
            }
            writeStamp(p);
        }
        return Optional.of(new LoraFile(modelId, p.getFileName().toString(), f.sha256(), f.size(), p, false));
    }

    /** The note of a stored file found changed and removed by {@link #find}, once, for the download replacing it. */
    public Problem replacedNote(String modelId, ModelFile f) {
        return replaced.remove(fileName(modelId, f));
    }

    /** What identifies a file's current bytes without reading them: size, mtime, ctime and inode (where known). */
    private static String stamp(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:size,lastModifiedTime,ctime,ino",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return a.get("size") + " " + a.get("lastModifiedTime") + " " + a.get("ctime") + " " + a.get("ino");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            try {
                java.nio.file.attribute.BasicFileAttributes b = Files.readAttributes(p,
                        java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                return b.size() + " " + b.lastModifiedTime() + " " + b.fileKey();
            } catch (IOException io) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Stamps sit in a hidden folder of local.loras-dir, where no backend lists them as LoRAs. */
    private Path stampFile(Path file) {
        return dir.resolve(".verified").resolve(file.getFileName() + ".stamp");
    }

    private String readStamp(Path file) {
        try {
            return Files.readString(stampFile(file));
        } catch (IOException e) {
            return null;
        }
    }

    /** Records that the file's bytes were just checked; written after the file is in place (a rename changes ctime). */
    private void writeStamp(Path file) {
        String stamp = stamp(file);
        if (stamp != null) {
            try {
                Files.createDirectories(stampFile(file).getParent());
                AtomicFiles.writeString(stampFile(file), stamp);
            } catch (IOException | RuntimeException e) {
                // Without a stamp the next job hashes the file again: slower, never wrong.
            }
        }
    }

    private static String hashOf(Path p) {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(p)) {
            digest(in, sha);
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Takes the one download slot of a file (two jobs with the same LoRA fetch it once: the second waits, then
     * finds it stored); {@link #release} gives it back.
     */
    public void acquire(String modelId, ModelFile f) throws InterruptedException {
        busy.computeIfAbsent(fileName(modelId, f), k -> new Semaphore(1)).acquire();
    }

    public void release(String modelId, ModelFile f) {
        Semaphore s = busy.get(fileName(modelId, f));
        if (s != null && s.availablePermits() == 0) {
            s.release();
        }
    }

    /**
     * Checks the file may be fetched (size cap, free disk) and returns how many bytes of an earlier, interrupted
     * download are already here: the offset to ask for.
     */
    public long prepare(String modelId, ModelFile f) {
        if (f.size() > maxBytes) {
            throw new LocalFailures.LoraTooLarge(modelId, f.path(), f.size(), maxBytes);
        }
        try {
            Files.createDirectories(dir);
            Path part = part(modelId, f);
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (have > f.size() && f.size() >= 0) {
                Files.delete(part);
                have = 0;
            }
            long needed = Math.max(0, f.size() - have);
            long free = Files.getFileStore(dir).getUsableSpace();
            if (needed + DISK_MARGIN > free) {
                throw new LocalFailures.DiskFull(dir.toString(), needed, free);
            }
            return have;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use local.loras-dir " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a download reply into place. {@code status} 206 continues the partial file from {@code offset}; 200
     * means the server sent the whole file, so it starts over. The sha256 covers the whole file either way.
     */
    public LoraFile receive(String modelId, ModelFile f, int status, long offset, InputStream body, Progress progress) {
        Path part = part(modelId, f);
        try (InputStream in = body) {
            boolean append = status == 206 && offset > 0 && Files.isRegularFile(part) && Files.size(part) == offset;
            MessageDigest sha = sha256();
            long done = 0;
            if (append) {
                try (InputStream old = Files.newInputStream(part)) {
                    done = digest(old, sha);
                }
            }
            long cap = Math.min(maxBytes, f.size() >= 0 ? f.size() : maxBytes);
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[BUFFER];
                int lastPercent = -1;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    done += n;
                    if (done > cap) {
                        AtomicFiles.deleteQuietly(part);
                        if (done > maxBytes) {
                            throw new LocalFailures.LoraTooLarge(modelId, f.path(), done, maxBytes);
                        }
                        throw new LocalFailures.LoraChecksumMismatch(modelId, f.path(), f.sha256(),
                                "more bytes than the " + f.size() + " listed");
                    }
                    out.write(buf, 0, n);
                    sha.update(buf, 0, n);
                    int percent = f.size() > 0 ? (int) (done * 100 / f.size()) : 0;
                    if (percent != lastPercent) {
                        lastPercent = percent;
                        progress.bytes(done, f.size());
                    }
                }
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (f.hasSha256() && !actual.equalsIgnoreCase(f.sha256())) {
                AtomicFiles.deleteQuietly(part);
                throw new LocalFailures.LoraChecksumMismatch(modelId, f.path(), f.sha256(), actual);
            }
            ModelFile checked = new ModelFile(f.name(), f.path(), done, actual);
            Path target = dir.resolve(fileName(modelId, f.hasSha256() ? f : checked));
            AtomicFiles.moveIntoPlace(part, target);
            writeStamp(target);
            LoraFile stored = new LoraFile(modelId, target.getFileName().toString(), actual, done, target, true);
            Problem note = replacedNote(modelId, f);
            return note == null ? stored : stored.withNote(note);
        } catch (IOException e) {
            // Past local.lora-download-deadline: the partial file stays for the next job to resume.
            dev.toploras.modelscope.ReplyBounds.rethrowCutOff(e);
            if (isDiskFull(e)) {
                AtomicFiles.deleteQuietly(part);
                throw new LocalFailures.DiskFull(dir.toString(), f.size(), usable());
            }
            // The partial file stays: the next attempt resumes from it.
            throw new UncheckedIOException("download of " + f.path() + " (" + modelId + ") broke off: "
                    + e.getMessage() + "; run the job again to resume it", e);
        }
    }

    /** Removes the partial file of a download that will not be resumed (a cancelled one). */
    public void discard(String modelId, ModelFile f) {
        AtomicFiles.deleteQuietly(part(modelId, f));
    }

    private Path part(String modelId, ModelFile f) {
        return dir.resolve(fileName(modelId, f) + ".part");
    }

    private static boolean isDiskFull(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") || m.contains("not enough space") || m.contains("Disk quota");
    }

    private long usable() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long digest(InputStream in, MessageDigest sha) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            sha.update(buf, 0, n);
            total += n;
        }
        return total;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
