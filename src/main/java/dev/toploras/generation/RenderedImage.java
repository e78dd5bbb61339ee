package dev.toploras.generation;

/**
 * One image a local backend produced, before it is stored: what every backend route returns (a List of these), so
 * the worker stores and records images the same way whichever backend ran.
 */
public record RenderedImage(byte[] bytes, String mime, int width, int height) {
    public RenderedImage {
        if (bytes == null || bytes.length == 0) {
            throw new LocalBackendException(dev.toploras.errors.ErrorCode.UPSTREAM_REJECTED,
                    "the local backend returned an empty image; check its log", java.util.Map.of());
        }
    }
}
