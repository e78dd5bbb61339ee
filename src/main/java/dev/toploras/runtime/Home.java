package dev.toploras.runtime;

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
}
