package dev.toploras.jobs;

import java.util.regex.Pattern;

/**
 * A key of a job's loras: a ModelScope model id, or {@code "local:<name>"} for a LoRA already installed on the
 * local backend. The name is user text that ends up in a ComfyUI graph or an A1111 {@code <lora:name:weight>} tag,
 * so it is held to a strict shape here, where the request is read.
 */
public final class LoraKey {
    public static final String INSTALLED = "local:";
    /** No path separator, no "..", nothing that ends a {@code <lora:name:weight>} tag (':' '<' '>'), no whitespace. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.()+\\-\\[\\]]{0,199}");

    private LoraKey() {
    }

    public static boolean isInstalled(String key) {
        return key != null && key.startsWith(INSTALLED);
    }

    /** The name of a {@code local:<name>} key; an unusable one fails saying what is allowed. */
    public static String installedName(String key) {
        String n = key.substring(INSTALLED.length());
        if (!NAME.matcher(n).matches() || n.contains("..")) {
            throw new InvalidJobRequestException("loras", "'" + key + "' is not an installed LoRA's name: after"
                    + " 'local:' use the name GET /api/v1/local/loras lists (letters, digits, . _ - + ( ) [ ], no '/'"
                    + " or '..')");
        }
        return n;
    }
}
