package dev.toploras.core;

import java.nio.file.Path;

/** The folder that holds a user's cache/, routes/ and inbox/; every path the runtime uses hangs off it. */
public record Home(Path root) {
    public Home {
        root = root.toAbsolutePath().normalize();
    }

    public Path cache() {
        return root.resolve("cache");
    }

    public Path routes() {
        return root.resolve("routes");
    }

    public Path inbox() {
        return root.resolve("inbox");
    }

    /** A path as the cache records it: relative to home when inside it, so a home folder can be moved. */
    public String relative(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }

    /**
     * Why files cannot be written in {@code dir} (made if missing), naming the home as read-only when it is; null
     * when they can. Asked before a command writes, so a read-only home is one clear line, not a failure deep inside.
     */
    public String cannotWrite(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Path probe = java.nio.file.Files.createTempFile(dir, ".write-check", ".tmp");
            java.nio.file.Files.delete(probe);
            return null;
        } catch (java.io.IOException | SecurityException e) {
            String why = e instanceof java.nio.file.AccessDeniedException || e instanceof SecurityException
                    ? "permission denied" : e.getClass().getSimpleName() + ": " + e.getMessage();
            boolean readOnly = !java.nio.file.Files.isWritable(root);
            return (readOnly ? "the home folder " + root + " is read-only: " : "")
                    + "cannot write in " + dir + " (" + why + "); use a writable folder (--home DIR or TOP_LORAS_HOME)";
        }
    }
}
