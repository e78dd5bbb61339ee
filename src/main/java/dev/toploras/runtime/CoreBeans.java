package dev.toploras.runtime;

import dev.toploras.modelscope.ReplyBounds;

import dev.toploras.core.Settings;

import dev.toploras.core.Home;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Json;
import dev.toploras.modelscope.UpstreamHealth;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * What every capability uses, bound by Camel Main's bean post-processing: the home folder, typed settings, the
 * JSON dialect, the clock, upstream health and the retry log line of errors.camel.yaml. Home and clock come from
 * the caller (tests inject theirs). The ModelScope token is not a bean (a route could read a bean): the runtime
 * hands its supplier to the configuration classes that need it.
 */
public final class CoreBeans implements CamelConfiguration {
    private final Home home;
    private final Clock clock;

    public CoreBeans(Home home, Clock clock) {
        this.home = home;
        this.clock = clock;
    }

    @BindToRegistry("home")
    public Home home() {
        return home;
    }

    @BindToRegistry("clock")
    public Clock clock() {
        return clock;
    }

    @BindToRegistry("json")
    public ObjectMapper json() {
        return Json.mapper();
    }

    @BindToRegistry("retryLog")
    public RetryLog retryLog() {
        return new RetryLog();
    }

    /** Settings read through Camel's properties, so env vars, home properties and --set all apply. */
    @BindToRegistry("settings")
    public Settings settings(CamelContext ctx) {
        return Settings.of(ctx);
    }

    /** Reachability of every camel-http call, for /api/health (it wraps every camel-http step, so no route must report it). */
    @BindToRegistry("upstreamHealth")
    public UpstreamHealth upstreamHealth() {
        return new UpstreamHealth(clock);
    }

    /** camel-http's connection pool, with TLS set up on first use (see HttpConnections). */
    @BindToRegistry("httpConnections")
    public org.apache.hc.client5.http.io.HttpClientConnectionManager httpConnections(CamelContext ctx) {
        Settings s = settings(ctx);
        return HttpConnections.pool(s.duration("http.timeout"), s.integer("camel.component.http.max-total-connections"),
                s.integer("camel.component.http.connections-per-route"));
    }

    /** camel-http's client setup: every reply bounded in size and time, no cookie specs (see ReplyBounds). */
    @BindToRegistry("httpClientSetup")
    public org.apache.camel.component.http.HttpClientConfigurer httpClientSetup(CamelContext ctx) {
        return ReplyBounds.ofReplies(settings(ctx));
    }

    /**
     * The client setup of image downloads (covers.endpoint, generation.output-endpoint): the same deadline, and a
     * cap that lets the largest image either flow accepts through to its own, clearer size check.
     */
    @BindToRegistry("imageReplies")
    public org.apache.camel.component.http.HttpClientConfigurer imageReplies(CamelContext ctx) {
        Settings s = settings(ctx);
        long largest = Math.max(s.longValue("covers.max-bytes"), s.longValue("generation.max-image-bytes"));
        return new ReplyBounds(largest + 1, "generation.max-image-bytes", s.duration("http.reply-deadline"),
                "http.reply-deadline");
    }

    @Override
    public void configure(CamelContext ctx) {
        UpstreamHealth health = ctx.getRegistry().lookupByNameAndType("upstreamHealth", UpstreamHealth.class);
        ctx.getCamelContextExtension().addInterceptStrategy(health);
    }
}
