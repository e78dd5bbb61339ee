package dev.toploras.generation;

import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The built-in local backend: a deterministic PNG at the requested size that says, in the picture and in
 * meta.backend, that it is a preview drawn from the parameters and not a model output. Same parameters, same
 * bytes. Kept cheap (flat fills, a few lines of text, grey levels only) so a thousand jobs take seconds.
 */
public final class PreviewProcessor {
    public static final String NAME = "local-preview";
    static {
        // No display on a server; AWT must not try to find one.
        System.setProperty("java.awt.headless", "true");
    }

    /** The step of routes/local-preview.camel.yaml: the job Map in, one PNG out (the worker stores it). */
    public List<RenderedImage> render(Map<String, Object> job) {
        JobRequest request = LocalJob.request(job);
        int w = request.params().width();
        int h = request.params().height();
        return List.of(new RenderedImage(png(request, w, h), "image/png", w, h));
    }

    byte[] png(JobRequest job, int w, int h) {
        // Grey levels keep the PNG at one byte per pixel: encoding is the cost that matters here.
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        try {
            int hash = Objects.hash(job.modelId(), job.params().prompt(), job.params().seed(), job.loras());
            int shade = 40 + Math.floorMod(hash, 60);
            g.setColor(new Color(shade, shade, shade));
            g.fillRect(0, 0, w, h);
            g.setColor(new Color(shade + 30, shade + 30, shade + 30));
            int bands = 3 + Math.floorMod(hash >>> 8, 5);
            for (int i = 0; i < bands; i++) {
                g.fillRect(0, (int) ((long) h * (2 * i + 1) / (2 * bands + 1)), w, Math.max(1, h / (4 * bands)));
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setColor(Color.WHITE);
            int big = Math.max(8, Math.min(w / 14, h / 8));
            int small = Math.max(7, big / 2);
            int x = Math.max(2, w / 24);
            int y = big + Math.max(2, h / 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, big));
            g.drawString("LOCAL PREVIEW", x, y);
            Font plain = PictureText.font(Font.PLAIN, small);
            List<String> lines = new ArrayList<>();
            lines.add("not a model output: drawn from the job's parameters");
            lines.add("model: " + job.modelId());
            job.loras().forEach((id, weight) -> lines.add("lora: " + id + " x" + weight));
            lines.add(numbers(job.params(), w, h));
            lines.add("prompt: " + job.params().prompt());
            // Each line in a font that has its characters (a Chinese prompt), or spelled out: never boxes.
            PictureText.draw(g, plain, lines, new PictureText.Box(x, y, w - 2 * x, h - 2, 6));
        } finally {
            g.dispose();
        }
        return encode(img, g);
    }

    /** The parameters line: only what the job set (a left-out step count is not "null"). */
    static String numbers(JobParams p, int w, int h) {
        StringBuilder sb = new StringBuilder("size " + w + "x" + h);
        if (p.seed() != null) {
            sb.append("  seed ").append(p.seed());
        }
        if (p.steps() != null) {
            sb.append("  steps ").append(p.steps());
        }
        if (p.guidance() != null) {
            sb.append("  guidance ").append(p.guidance());
        }
        return sb.toString();
    }

    private static byte[] encode(BufferedImage img, Graphics2D g) {
        g.dispose();
        return PngBytes.of(img);
    }
}
