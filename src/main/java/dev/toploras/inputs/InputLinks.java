package dev.toploras.inputs;

import dev.toploras.core.AtomicFiles;
import dev.toploras.jobs.InputImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a remote service reaches an input image the user did not give as a URL. ModelScope fetches image_url itself,
 * so an uploaded or inbox image is either inlined as a {@code data:} URI (inputs.remote-data-uri, off by default:
 * ModelScope's docs show image_url only as a URL) or served at {@code <server.public-url>/public/inputs/<name>},
 * where the name carries a keyed hash of the image: the URL cannot be guessed, even by someone who holds the image,
 * and it needs no API key because ModelScope cannot send one. The key lives in cache/inputs/.url-key, so every
 * process on this home (serve, workers) makes and accepts the same links.
 */
public final class InputLinks {
    private static final String PREFIX = "/public/inputs/";
    private final InputStore store;
    private final InputSettings settings;

    public InputLinks(InputStore store, InputSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** What image_url carries for this input, or empty when ModelScope cannot be given it. */
    public Optional<String> remoteRef(InputImage in) {
        if (in.isUrl()) {
            return Optional.of(in.source());
        }
        if (settings.remoteDataUri()) {
            return store.file(in.sha256()).map(p -> "data:" + in.mime() + ";base64,"
                    + Base64.getEncoder().encodeToString(read(p)));
        }
        String base = settings.publicUrl();
        if (base == null || base.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(base.replaceAll("/+$", "") + PREFIX + name(in.sha256()) + "." + in.extension());
    }

    /** The stored file a public link names, or empty when the link is not one this home made. */
    public Optional<Path> publicFile(String fileName) {
        int dot = fileName.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String name = fileName.substring(0, dot);
        int dash = name.indexOf('-');
        if (dash != 64) {
            return Optional.empty();
        }
        String sha = name.substring(0, 64);
        boolean genuine = MessageDigest.isEqual(name.getBytes(), name(sha).getBytes());
        return genuine ? store.file(sha).filter(p -> p.getFileName().toString().equals(sha + fileName.substring(dot)))
                : Optional.empty();
    }

    public static String prefix() {
        return PREFIX;
    }

    private String name(String sha) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return sha + "-" + HexFormat.of().formatHex(mac.doFinal(sha.getBytes())).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private byte[] key() {
        Path file = store.dir().resolve(".url-key");
        try {
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(store.dir());
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                AtomicFiles.createNew(file, fresh); // the first process to write it wins; all read that one
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input link key " + file, e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
