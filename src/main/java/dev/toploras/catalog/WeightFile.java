package dev.toploras.catalog;

import java.util.regex.Pattern;

/**
 * A LoRA's weight file as its listing names it: the revision of its version ({@code MuseInfo.versions[]
 * .modelVersion.modelUrl}, {@code modelscope://owner/name?revision=v1}) and the file with its size
 * ({@code stats.fileList}, {@code fileSizes}). Listing text: only a plain revision and a plain relative path are
 * kept, anything else is null ("not known"), so neither can become a URI option or climb out of a folder.
 */
public record WeightFile(String revision, String path, Long size) {
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._ ()+-]{0,199}"
            + "(/[A-Za-z0-9_][A-Za-z0-9._ ()+-]{0,199}){0,7}");

    public WeightFile {
        revision = plainRevision(revision) ? revision : null;
        path = plainPath(path) ? path : null;
        size = size != null && size >= 0 ? size : null;
    }

    public static boolean plainRevision(String r) {
        return r != null && REVISION.matcher(r).matches();
    }

    public static boolean plainPath(String p) {
        return p != null && PATH.matcher(p).matches() && !p.contains("..");
    }

    public boolean namesNothing() {
        return revision == null && path == null;
    }
}
