package dev.toploras.generation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** An image the server drew, as PNG bytes. */
public final class PngBytes {
    private PngBytes() {
    }

    public static byte[] of(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            javax.imageio.ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
