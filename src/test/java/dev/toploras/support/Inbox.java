package dev.toploras.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Dropping a job file into an inbox the way `submit` does. */
public final class Inbox {
    private Inbox() {
    }

    /** Writes under a name the inbox ignores, then renames, so the inbox never reads half a file. */
    public static void drop(Path inbox, String name, String content) {
        try {
            Files.createDirectories(inbox);
            Path tmp = inbox.resolve("." + name + ".part");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, inbox.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
