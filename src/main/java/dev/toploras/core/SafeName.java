package dev.toploras.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** File names derived from names we do not control (tasks, model ids): never a separator, never "..". */
public final class SafeName {
    private SafeName() {
    }

    /** A task name as a file-name part: letters, digits, '_' and '-' survive, anything else becomes '_'. */
    public static String task(String task) {
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("a task name is required, e.g. text-to-image-synthesis");
        }
        String safe = task.trim().replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.length() > 80 ? safe.substring(0, 80) : safe;
    }

    /** A stable, collision-resistant name for anything keyed by an id (ids can hold '/', '..' or ':'). */
    public static String hashOf(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
