package dev.toploras.covers;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks an image passes before it is kept, whoever brought it (a cover host, a user's upload, an inbox file):
 * its bytes start like one of the allowed kinds (the declared type must agree when one is given), it is within the
 * byte cap, and its header's width and height are within the pixel cap. The header is read, never the pixels, so a
 * decompression bomb is refused before anything decodes it.
 */
public final class ImageCheck {
    private final long maxBytes;
    private final long maxPixels;
    private final Set<ImageKind> allowed;

    public ImageCheck(long maxBytes, long maxPixels, Set<ImageKind> allowed) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
        this.allowed = Set.copyOf(allowed);
    }

    /** What an image that passed is: its kind, size in pixels and bytes. */
    public record Checked(ImageKind kind, int width, int height, long bytes) {
    }

    /** Checks the whole image; {@code declaredType} (a Content-Type) may be null. */
    public Checked check(byte[] image, String declaredType) {
        if (image.length == 0) {
            throw new ImageRejectedException("the file is empty");
        }
        if (image.length > maxBytes) {
            throw new ImageRejectedException(image.length + " bytes is over the limit of " + maxBytes + " bytes");
        }
        ImageKind kind = ImageKind.sniff(image, image.length).orElseThrow(() -> new ImageRejectedException(
                "not an image: the content does not start like " + names()));
        if (!allowed.contains(kind)) {
            throw new ImageRejectedException("a " + kind.mime() + " image is not taken here; send " + names());
        }
        if (declaredType != null && !declaredType.isBlank()) {
            String declared = declaredType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!declared.equals(kind.mime()) && !declared.equals("application/octet-stream")) {
                throw new ImageRejectedException("declared as " + declared + " but the content is " + kind.mime());
            }
        }
        int[] size = ImageKind.dimensions(image, kind).orElseThrow(() -> new ImageRejectedException(
                "the " + kind.mime() + " header gives no width and height (a cut or damaged file)"));
        if (size[0] <= 0 || size[1] <= 0) {
            throw new ImageRejectedException("the image is " + size[0] + "x" + size[1] + " pixels");
        }
        if ((long) size[0] * size[1] > maxPixels) {
            throw new ImageRejectedException(size[0] + "x" + size[1] + " is over the limit of " + maxPixels
                    + " pixels");
        }
        return new Checked(kind, size[0], size[1], image.length);
    }

    private String names() {
        return allowed.stream().map(ImageKind::mime).sorted().collect(Collectors.joining(", "));
    }

    /** The kind a Content-Type names, for a caller that must refuse a type before reading a body. */
    public static Optional<ImageKind> kindOf(String mime) {
        if (mime == null) {
            return Optional.empty();
        }
        String m = mime.split(";")[0].trim().toLowerCase(Locale.ROOT);
        for (ImageKind k : ImageKind.values()) {
            if (k.mime().equals(m)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
