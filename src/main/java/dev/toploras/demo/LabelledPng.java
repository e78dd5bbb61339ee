package dev.toploras.demo;

import dev.toploras.generation.PictureText;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** The stand-in's pictures: a flat colour from a seed and a few lines saying what they are. */
final class LabelledPng {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LabelledPng() {
    }

    static byte[] draw(int w, int h, int seed, List<String> lines) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.getHSBColor(Math.floorMod(seed, 360) / 360f, 0.45f, 0.55f));
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            int big = Math.max(10, Math.min(w / 12, h / 10));
            int x = Math.max(4, w / 20);
            int y = big + Math.max(4, h / 20);
            PictureText.Line title = PictureText.line(PictureText.font(Font.BOLD, big), lines.get(0));
            g.setFont(title.font());
            g.drawString(title.text(), x, y);
            Font plain = PictureText.font(Font.PLAIN, Math.max(9, big / 2));
            PictureText.draw(g, plain, lines.subList(1, lines.size()), new PictureText.Box(x, y, w - 2 * x, h - 4, 4));
        } finally {
            g.dispose();
        }
        return png(img);
    }

    private static byte[] png(BufferedImage img) {
        return dev.toploras.generation.PngBytes.of(img);
    }
}
