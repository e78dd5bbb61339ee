package dev.toploras.local.loras;

/** One file of a ModelScope model repository, as its model-files listing describes it. */
public record ModelFile(String name, String path, long size, String sha256) {
    public boolean hasSha256() {
        return sha256 != null && !sha256.isBlank();
    }
}
