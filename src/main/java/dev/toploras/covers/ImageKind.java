package dev.toploras.covers;

import java.util.Optional;

/** Image formats a cover may have, told by their magic bytes (a Content-Type alone can lie). */
public enum ImageKind {
    PNG("png", "image/png"),
    JPEG("jpg", "image/jpeg"),
    GIF("gif", "image/gif"),
    WEBP("webp", "image/webp"),
    AVIF("avif", "image/avif");

    private final String extension;
    private final String mime;

    ImageKind(String extension, String mime) {
        this.extension = extension;
        this.mime = mime;
    }

    public String extension() {
        return extension;
    }

    public String mime() {
        return mime;
    }

    public static Optional<ImageKind> sniff(byte[] head, int len) {
        if (len >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return Optional.of(PNG);
        }
        if (len >= 3 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8 && (head[2] & 0xff) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (len >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
            return Optional.of(GIF);
        }
        if (len >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return Optional.of(WEBP);
        }
        if (len >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p'
                && head[8] == 'a' && head[9] == 'v' && head[10] == 'i') {
            return Optional.of(AVIF);
        }
        return Optional.empty();
    }
}
