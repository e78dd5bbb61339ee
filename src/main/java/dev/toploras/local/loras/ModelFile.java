package dev.toploras.local.loras;

import java.util.regex.Pattern;

/** One file of a ModelScope model repository, as its model-files listing describes it. */
public record ModelFile(String name, String path, long size, String sha256) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    public boolean hasSha256() {
        return sha256 != null && !sha256.isBlank();
    }

    /** Whether a listed hash is a sha256 at all (64 hex): only such a hash may name a stored file. */
    public static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }
}
