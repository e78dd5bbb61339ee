package dev.toploras.covers;

/** Beside each stored cover: where it came from and the validators for a conditional GET next time. */
record CoverMeta(String sourceUrl, String file, String etag, String lastModified, String contentType, long bytes) {
}
