package dev.toploras.support;

import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * `serve` on a free loopback port with the given overrides (ModelScope pointed nowhere unless they say otherwise),
 * and a headless Chromium of 1280×900 to look at it (the test JVM's one, {@link Browser#shared}).
 */
public final class ServedPage implements AutoCloseable {
    private final TopLorasRuntime runtime;
    private final Http http;
    private final ChromeDriver browser;

    private ServedPage(TopLorasRuntime runtime, Http http, ChromeDriver browser) {
        this.runtime = runtime;
        this.http = http;
        this.browser = browser;
    }

    public static ServedPage start(Path home, Map<String, String> overrides) throws Exception {
        Browser.requireInstalled();
        int port = Http.freePort();
        Map<String, String> props = new HashMap<>(Map.of("runtime.serve", "true", "server.port", String.valueOf(port),
                "modelscope.base-url", "http://127.0.0.1:9"));
        props.putAll(overrides);
        TopLorasRuntime runtime = TopLorasRuntime.start(new Home(home), props, Optional::empty, Clock.systemUTC());
        try {
            return new ServedPage(runtime, new Http(port), Browser.shared(1280, 900));
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    public Http http() {
        return http;
    }

    public ChromeDriver browser() {
        return browser;
    }

    /** Closes what was started; safe on a null (a class whose start failed or was skipped). */
    public static void close(ServedPage page) {
        if (page != null) {
            page.close();
        }
    }

    @Override
    public void close() {
        try {
            Browser.release(browser);
        } finally {
            runtime.close();
        }
    }
}
