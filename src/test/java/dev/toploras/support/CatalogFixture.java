package dev.toploras.support;

import dev.toploras.catalog.CacheDocument;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Json;
import dev.toploras.history.Trend;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A cached leaderboard written straight into a home folder, as a refresh would leave it: the cache file and real PNG
 * covers under cache/images/&lt;task&gt;/. Every tenth record has no cover. Records cycle through three base models
 * and four tags, so filters have something to narrow.
 */
public final class CatalogFixture {
    public static final String TASK = "text-to-image-synthesis";
    public static final List<String> BASES = List.of("black-forest-labs/FLUX.1-dev", "Qwen/Qwen-Image",
            "stabilityai/stable-diffusion-xl-base-1.0");
    public static final List<String> FOUNDATIONS = List.of("FLUX_1", "QWEN_IMAGE_20_B", "SD_XL");
    public static final List<String> TAGS = List.of("anime", "photo", "portrait", "landscape");

    private CatalogFixture() {
    }

    /** Writes {@code n} records (and their covers) cached {@code ageSeconds} ago; returns them in cache order. */
    public static List<LoraRecord> write(Path home, int n, long ageSeconds) {
        return write(home, n, ageSeconds, true);
    }

    /** As {@link #write(Path, int, long)}; {@code someWithoutCover=false} gives every record a cover. */
    public static List<LoraRecord> write(Path home, int n, long ageSeconds, boolean someWithoutCover) {
        Path images = home.resolve("cache/images/" + TASK);
        try {
            Files.createDirectories(images);
            List<LoraRecord> records = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String cover = null;
                if (!someWithoutCover || i % 10 != 9) {
                    Path png = images.resolve("lora-" + i + ".png");
                    Files.write(png, cover(i, 480, 270));
                    cover = home.relativize(png).toString().replace('\\', '/');
                }
                String author = "studio" + (i % 7);
                records.add(new LoraRecord(author + "/lora-" + i, "风格模型 " + i, "Style LoRA " + i, author, null,
                        "https://example.invalid/cover/" + i + ".png", cover, 100_000L - i * 37L, 5_000L - (i * 13L) % 4_000,
                        i % 2 == 0 ? "Apache License 2.0" : "CreativeML OpenRAIL-M",
                        List.of("风格"), List.of("LoRA", TAGS.get(i % TAGS.size())), List.of(BASES.get(i % 3)),
                        FOUNDATIONS.get(i % 3), List.of("trig" + i + " style"),
                        Instant.parse("2025-10-01T00:00:00Z").plusSeconds(i * 3600L),
                        "https://www.modelscope.cn/models/" + author + "/lora-" + i));
            }
            store(home, ageSeconds, records);
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void store(Path home, long ageSeconds, List<LoraRecord> records) throws IOException {
        CacheDocument doc = new CacheDocument(Instant.now().minusSeconds(ageSeconds), TASK, "downloads",
                records.size(), records);
        Files.writeString(home.resolve("cache/top_loras_" + TASK + ".json"), Json.mapper().writeValueAsString(doc));
    }

    /**
     * Gives the cached records a history, as three refreshes (3 days ago, 1 day ago, now) would: record 0 rose 3
     * places, record 1 fell 2, record 2 is new (no snapshot before now), record 5 has the most downloads per day.
     */
    public static List<LoraRecord> withHistory(Path home, List<LoraRecord> records, long ageSeconds) {
        Instant now = Instant.now();
        List<LoraRecord> out = new ArrayList<>();
        List<Object> threeDays = new ArrayList<>();
        List<Object> oneDay = new ArrayList<>();
        List<Object> today = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            LoraRecord r = records.get(i);
            boolean fresh = i == 2;
            out.add(r.withTrend(new Trend(r.id(), i + 1, r.downloads(), r.likes(),
                    fresh ? null : i == 0 ? 3 : i == 1 ? -2 : 0, fresh ? null : 500L, fresh ? null : 2L,
                    fresh ? null : i == 5 ? 9000.0 : 100.0 - i, fresh ? now : now.minus(Duration.ofDays(3)), fresh,
                    null)));
            if (!fresh) {
                threeDays.addAll(List.of(r.id(), r.downloads() - (i == 5 ? 27_000 : 1500), r.likes()));
                oneDay.addAll(List.of(r.id(), r.downloads() - (i == 5 ? 9000 : 500), r.likes()));
            }
            today.addAll(List.of(r.id(), r.downloads(), r.likes()));
        }
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofDays(3)), "downloads", threeDays.toArray());
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofDays(1)), "downloads", oneDay.toArray());
        HistoryFixture.snapshot(home, TASK, now, "downloads", today.toArray());
        try {
            store(home, ageSeconds, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A real PNG with a colour of its own per index, so screenshots show which cover is which. */
    public static byte[] cover(int i, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        Color a = Color.getHSBColor((i * 0.137f) % 1f, 0.55f, 0.9f);
        Color b = Color.getHSBColor((i * 0.137f + 0.3f) % 1f, 0.6f, 0.55f);
        g.setPaint(new GradientPaint(0, 0, a, w, h, b));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.setFont(g.getFont().deriveFont(48f));
        g.drawString("#" + i, 24, h - 28);
        g.dispose();
        try (var out = new java.io.ByteArrayOutputStream()) {
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
