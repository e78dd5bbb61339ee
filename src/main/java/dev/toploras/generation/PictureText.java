package dev.toploras.generation;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text the server draws into PNGs (previews, the demo's pictures). The JDK's logical fonts draw an empty box for a
 * character no font they map to has, so a title or prompt in Chinese would come out as boxes: the text is drawn with
 * an installed font that has every character when there is one (a CJK font such as fonts-wqy-microhei, listed in
 * .ci/system-packages), and otherwise each run of characters no font has is written out as code points, e.g.
 * {@code [U+732B U+54AA]}, so the picture never shows boxes.
 */
public final class PictureText {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Installed families that have CJK ideographs, found once (listing fonts costs tens of milliseconds). */
    private static final class Wide {
        static final String FAMILY = find();

        private static String find() {
            for (Font f : GraphicsEnvironment.getLocalGraphicsEnvironment().getAllFonts()) {
                if (f.canDisplayUpTo("猫中文あ한") == -1) {
                    return f.getFamily(Locale.ROOT);
                }
            }
            return null;
        }
    }

    private PictureText() {
    }

    /** A line as it will be drawn: the font that has its characters, and its text. */
    public record Line(Font font, String text) {
    }

    /** The sans-serif face at this style and size. */
    public static Font font(int style, int size) {
        return new Font(Font.SANS_SERIF, style, size);
    }

    /**
     * {@code text} in {@code font} when it has every character; else in an installed font that has them all; else in
     * {@code font} with each run of missing characters written as code points. Never null text ("" for null).
     */
    public static Line line(Font font, String text) {
        String t = text == null ? "" : text;
        if (font.canDisplayUpTo(t) == -1) {
            return new Line(font, t);
        }
        if (Wide.FAMILY != null) {
            Font wide = new Font(Wide.FAMILY, font.getStyle(), font.getSize());
            if (wide.canDisplayUpTo(t) == -1) {
                return new Line(wide, t);
            }
        }
        return new Line(font, spelled(font, t));
    }

    /** Where a block of lines goes: left edge, first baseline, width, the lowest baseline allowed, lines per text. */
    public record Box(int x, int y, int width, int bottom, int maxLinesEach) {
    }

    /**
     * Draws each text in {@code font} (or a font that has its characters, else spelled out), wrapped to the box,
     * stopping at its bottom; each text starts on a new line below the previous baseline.
     */
    public static void draw(java.awt.Graphics2D g, Font font, List<String> texts, Box box) {
        int y = box.y();
        for (String text : texts) {
            Line line = line(font, text);
            g.setFont(line.font());
            FontMetrics fm = g.getFontMetrics();
            for (String part : wrap(line.text(), fm, box.width(), box.maxLinesEach())) {
                y += fm.getHeight();
                if (y > box.bottom()) {
                    return;
                }
                g.drawString(part, box.x(), y);
            }
        }
    }

    /** Each run of characters {@code font} cannot draw as [U+XXXX ...]; the rest as it is. */
    static String spelled(Font font, String text) {
        StringBuilder out = new StringBuilder();
        boolean inRun = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean drawable = cp < 128 || font.canDisplay(cp);
            if (!drawable) {
                out.append(inRun ? " " : "[").append(String.format(Locale.ROOT, "U+%04X", cp));
                inRun = true;
                continue;
            }
            if (inRun) {
                out.append(']');
                inRun = false;
            }
            out.appendCodePoint(cp);
        }
        return inRun ? out.append(']').toString() : out.toString();
    }

    /**
     * Words wrapped to {@code width}, at most {@code maxLines} lines (the last one ends with "..." if cut). A word
     * wider than a line (Chinese has no spaces, ids can be long) is broken between characters.
     */
    public static List<String> wrap(String text, FontMetrics fm, int width, int maxLines) {
        List<String> pieces = new ArrayList<>();
        for (String word : text.split("\\s+")) {
            while (word.length() > 1 && fm.stringWidth(word) > width) {
                int cut = 1;
                while (cut < word.length() - 1 && fm.stringWidth(word.substring(0, cut + 1)) <= width) {
                    cut++;
                }
                pieces.add(word.substring(0, cut));
                word = word.substring(cut);
            }
            pieces.add(word);
        }
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String piece : pieces) {
            if (line.length() > 0 && fm.stringWidth(line + " " + piece) > width) {
                out.add(line.toString());
                line.setLength(0);
                if (out.size() == maxLines) {
                    out.set(maxLines - 1, out.get(maxLines - 1) + " ...");
                    return out;
                }
            }
            line.append(line.length() == 0 ? "" : " ").append(piece);
        }
        if (line.length() > 0) {
            out.add(line.toString());
        }
        return out;
    }
}
