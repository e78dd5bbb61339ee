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

    /**
     * Width and height from the image's header (PNG IHDR, JPEG start-of-frame, GIF screen, WebP VP8/VP8L/VP8X), or
     * empty when the header is cut short. Layouts: the PNG, JPEG (ITU T.81 B.2.2), GIF89a and WebP container specs.
     */
    public static Optional<int[]> dimensions(byte[] b, ImageKind kind) {
        try {
            return switch (kind) {
                case PNG -> b.length >= 24 ? Optional.of(new int[] {be32(b, 16), be32(b, 20)}) : Optional.empty();
                case GIF -> b.length >= 10 ? Optional.of(new int[] {le16(b, 6), le16(b, 8)}) : Optional.empty();
                case JPEG -> jpeg(b);
                case WEBP -> webp(b);
                case AVIF -> Optional.empty();
            };
        } catch (ArrayIndexOutOfBoundsException cut) {
            return Optional.empty();
        }
    }

    private static Optional<int[]> jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                return Optional.empty();
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            int len = be16(b, i + 2);
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                return Optional.of(new int[] {be16(b, i + 7), be16(b, i + 5)});
            }
            if (len < 2) {
                return Optional.empty();
            }
            i += 2 + len;
        }
        return Optional.empty();
    }

    private static Optional<int[]> webp(byte[] b) {
        if (b.length < 30) {
            return Optional.empty();
        }
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8 " -> Optional.of(new int[] {le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff});
            case "VP8L" -> {
                int bits = (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
                yield Optional.of(new int[] {(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1});
            }
            case "VP8X" -> Optional.of(new int[] {le24(b, 24) + 1, le24(b, 27) + 1});
            default -> Optional.empty();
        };
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static int be16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static int le24(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
    }
}
