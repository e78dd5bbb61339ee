package dev.toploras.inputs;

import dev.toploras.core.AtomicFiles;
import dev.toploras.covers.ImageCheck;
import dev.toploras.covers.ImageKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * {@code cache/inputs/<sha256>.<ext>}: every input image once, by the hash of its bytes, whoever brought it. An image
 * is checked ({@link ImageCheck}: magic bytes, type, byte and pixel caps, the cover checks' code) before anything is
 * written, and written atomically, so a reader never sees half an image and a refused one leaves nothing behind.
 */
public final class InputStore {
    /** What an input may be: the types ModelScope, ComfyUI and A1111 all read. */
    public static final Set<ImageKind> KINDS = Set.of(ImageKind.PNG, ImageKind.JPEG, ImageKind.WEBP);
    private final Path dir;
    private final ImageCheck check;

    public InputStore(Path dir, InputSettings settings) {
        this.dir = dir;
        this.check = new ImageCheck(settings.maxBytes(), settings.maxPixels(), KINDS);
    }

    /** An image that passed the checks, not yet stored. */
    public record Candidate(byte[] bytes, String sha256, ImageCheck.Checked checked) {
    }

    /** An image as stored. */
    public record Stored(String sha256, String mime, int width, int height, long bytes) {
    }

    /** Checks an image without storing it; throws {@link dev.toploras.covers.ImageRejectedException}. */
    public Candidate check(byte[] bytes, String declaredType) {
        ImageCheck.Checked c = check.check(bytes, declaredType);
        return new Candidate(bytes, sha256(bytes), c);
    }

    /** Stores a checked image (once: the same bytes again find the file there). */
    public Stored put(Candidate c) {
        Path target = dir.resolve(c.sha256() + "." + c.checked().kind().extension());
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                AtomicFiles.write(target, c.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the input image under " + dir, e);
        }
        return new Stored(c.sha256(), c.checked().kind().mime(), c.checked().width(), c.checked().height(),
                c.bytes().length);
    }

    /** The stored file of a hash, if any (the hash is checked to be one, so it cannot name another path). */
    public Optional<Path> file(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        for (ImageKind k : KINDS) {
            Path p = dir.resolve(sha256 + "." + k.extension());
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public Path dir() {
        return dir;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
