package dev.toploras.bench;

import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.ServedPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * First render of the web gallery on loopback (issue 5, target: 20 covers shown within 0.5 s). Not a test: a main
 * that prints figures for docs/benchmarks.md ("Web gallery"). For each catalog size it starts `serve` on a cached fixture catalog
 * (real PNG covers, 480×270, every record with one), opens the page in the system's headless Chromium with a viewport
 * tall enough to show the first 24 cards, and reads, relative to the start of navigation:
 * <ul>
 *   <li>{@code grid}: the first page of cards is in the DOM ({@code gallery-rendered}; the page shows the server's
 *   first page while it loads the whole leaderboard);</li>
 *   <li>{@code full catalog}: every record is in for search and filters ({@code catalog-loaded}; "later" when that
 *   came after the covers);</li>
 *   <li>{@code covers}: the first 20 cover images are loaded and decoded (polled every animation frame).</li>
 * </ul>
 * Each size runs {@code bench.runs} times with the browser cache disabled (cold: every cover fetched) and as many
 * times with it enabled (warm reload), after one uncounted warm-up. Knobs: {@code -Dbench.sizes=20,1000},
 * {@code -Dbench.runs=10}.
 */
public final class WebRenderBenchmark {
    private static final String COVERS_LOADED = """
            const done = arguments[arguments.length - 1];
            const check = () => {
              const imgs = [...document.querySelectorAll('#lora-gallery .card .cover img')].slice(0, 20);
              if (imgs.length === 20 && imgs.every(i => i.complete && i.naturalWidth > 0)) {
                const mark = (n) => (performance.getEntriesByName(n)[0] || {startTime: -1}).startTime;
                done([mark('catalog-loaded'), mark('gallery-rendered'), performance.now()]);
              } else {
                requestAnimationFrame(check);
              }
            };
            check();
            """;

    private WebRenderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 10);
        List<Integer> sizes = Arrays.stream(System.getProperty("bench.sizes", "20,1000").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        System.out.printf(Locale.ROOT, "| records | cache | runs | grid ms (median) | full catalog ms (median) | "
                + "20 covers ms (median) | 20 covers ms (p90) | 20 covers ms (max) |%n|---|---|---|---|---|---|---|---|%n");
        for (int size : sizes) {
            Path home = Files.createTempDirectory("web-bench");
            CatalogFixture.write(home, size, 0, false);
            try (ServedPage page = ServedPage.start(home, Map.of())) {
                ChromeDriver browser = page.browser();
                Browser.resize(browser, 1280, 3600);
                browser.executeCdpCommand("Network.enable", Map.of());
                measure(page, 1, true); // warm-up: JIT of the runtime, Chromium's first start of its renderer
                report(size, "cold", runs, measure(page, runs, true));
                report(size, "warm", runs, measure(page, runs, false));
            }
        }
    }

    private static List<double[]> measure(ServedPage page, int runs, boolean cold) {
        ChromeDriver browser = page.browser();
        browser.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", cold));
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            browser.get("about:blank");
            browser.get(page.http().base() + "/");
            List<?> t = (List<?>) browser.executeAsyncScript(COVERS_LOADED);
            out.add(t.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray());
        }
        return out;
    }

    private static void report(int size, String cache, int runs, List<double[]> samples) {
        double full = percentile(samples, 0, 50);
        System.out.printf(Locale.ROOT, "| %d | %s | %d | %.0f | %s | %.0f | %.0f | %.0f |%n", size, cache, runs,
                percentile(samples, 1, 50), full < 0 ? "later" : String.format(Locale.ROOT, "%.0f", full),
                percentile(samples, 2, 50), percentile(samples, 2, 90), percentile(samples, 2, 100));
    }

    private static double percentile(List<double[]> samples, int column, int p) {
        double[] v = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
        int idx = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, idx))];
    }
}
