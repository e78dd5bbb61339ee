package dev.toploras.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The two things most tests start: a WireMock standing in for ModelScope, and the runtime serving on loopback. */
public final class Stubs {
    private Stubs() {
    }

    /** A started WireMock on a free loopback port. */
    public static WireMockServer wireMock() {
        WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        return wm;
    }

    /** The runtime in `serve` mode on a free port, without a ModelScope token, and an HTTP client aimed at it. */
    public record Served(TopLorasRuntime runtime, Http http) {
    }

    public static Served serve(Path home, Map<String, String> overrides) throws Exception {
        int port = Http.freePort();
        Map<String, String> props = new HashMap<>(overrides);
        props.put("runtime.serve", "true");
        props.put("server.port", String.valueOf(port));
        props.putIfAbsent("retries.initial-delay", "10");
        return new Served(TopLorasRuntime.start(new Home(home), props, Optional::empty, Clock.systemUTC()),
                new Http(port));
    }
}
