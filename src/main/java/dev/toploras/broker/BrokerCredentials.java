package dev.toploras.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's user and password when the configuration sets none: made once, on the first `serve` with
 * broker.embedded=true, and kept in {@code <home>/broker/credentials.properties}, readable by its owner only. This
 * file is the one place on disk a broker password is written; a worker is given the same two values through its
 * own configuration (broker.user, BROKER_PASSWORD).
 */
public final class BrokerCredentials {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCredentials.class);
    static final String FILE = "credentials.properties";
    static final String DEFAULT_USER = "toploras";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private BrokerCredentials() {
    }

    /** {@code b} with credentials: its own when configured, else those of {@code dir}'s file, made when missing. */
    public static BrokerSettings ensure(BrokerSettings b, Path dir) {
        if (b.secured()) {
            return b;
        }
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            return read(b, file);
        }
        String user = DEFAULT_USER;
        String password = newPassword();
        write(file, user, password);
        LOG.info("broker credentials made for user '{}' in {} (owner-only); give workers broker.user and "
                + "BROKER_PASSWORD from it", user, file);
        return b.withCredentials(user, password);
    }

    private static BrokerSettings read(BrokerSettings b, Path file) {
        ownerOnly(file);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BrokerConfigException("cannot read the broker credentials in " + file + ": " + e.getMessage()
                    + "; fix its permissions, or delete it to have new ones made");
        }
        String user = p.getProperty("broker.user", "").strip();
        String password = p.getProperty("broker.password", "").strip();
        if (user.isEmpty() || password.isEmpty()) {
            throw new BrokerConfigException(file + " lacks broker.user or broker.password; delete it to have new "
                    + "ones made, or set both in the configuration");
        }
        return b.withCredentials(user, password);
    }

    /** Written as a temp file that is owner-only before the password goes in, then renamed into place. */
    private static void write(Path file, String user, String password) {
        String text = "# The embedded broker's credentials, made by the first `serve` with broker.embedded=true.\n"
                + "# Workers need the same: --set broker.user=... and BROKER_PASSWORD=... in their environment.\n"
                + "broker.user=" + user + "\nbroker.password=" + password + "\n";
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            tmp = posix(file.getParent())
                    ? Files.createTempFile(file.getParent(), "." + FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(file.getParent(), "." + FILE, ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker credentials to " + file + ": " + e.getMessage()
                    + "; make the home writable, or set broker.user and BROKER_PASSWORD", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // moved into place, or never written
                }
            }
        }
    }

    /** A file someone loosened (a copy, a restore) is tightened again, with a warning. */
    private static void ownerOnly(Path file) {
        if (!posix(file.getParent())) {
            return;
        }
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                LOG.warn("{} was readable by others; made owner-only again", file);
            }
        } catch (IOException e) {
            LOG.warn("cannot check the permissions of {}: {}", file, e.getMessage());
        }
    }

    private static boolean posix(Path dir) {
        try {
            return Files.getFileStore(dir).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    /** 192 random bits, URL-safe so it can go in an environment variable or a properties file as is. */
    static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
