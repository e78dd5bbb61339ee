package dev.toploras.api;

import dev.toploras.core.Home;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.runs.RunDocument;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunState;
import dev.toploras.runs.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * /api/health and /api/metrics. Both are derived from the stores and from what recent upstream calls showed; they
 * keep no counters of their own, so they cannot drift from the truth on disk.
 */
public final class SystemApi {
    private final Home home;
    private final RunStore runs;
    private final UpstreamHealth upstream;
    private final String baseUrl;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<String, Supplier<Object>> sections = new LinkedHashMap<>();
    private final Map<String, Supplier<Number>> gauges = new LinkedHashMap<>();

    public SystemApi(Home home, RunStore runs, UpstreamHealth upstream, String baseUrl, Clock clock) {
        this.home = home;
        this.runs = runs;
        this.upstream = upstream;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Lets another capability (the job queue, say) add a section to /api/health. */
    public void section(String name, Supplier<Object> supplier) {
        sections.put(name, supplier);
    }

    /** Lets another capability add a gauge to /api/metrics, e.g. {@code top_loras_queue_depth}. */
    public void gauge(String name, Supplier<Number> supplier) {
        gauges.put(name, supplier);
    }

    public ApiReply health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        Map<String, Object> rt = new LinkedHashMap<>();
        rt.put("version", version());
        rt.put("started_at", startedAt);
        rt.put("uptime_seconds", Duration.between(startedAt, clock.instant()).getSeconds());
        rt.put("home", home.root().toString());
        body.put("runtime", rt);
        List<RunDocument> all = runs.list();
        body.put("last_refresh", all.stream().filter(r -> RunKind.REFRESH.wire().equals(r.kind())).findFirst()
                .orElse(null));
        Map<String, Object> ms = new LinkedHashMap<>();
        ms.put("base_url", baseUrl);
        Map<String, UpstreamHealth.Seen> seen = upstream.snapshot();
        ms.put("reachable", seen.isEmpty() ? null : seen.values().stream().anyMatch(UpstreamHealth.Seen::reachable));
        ms.put("hosts", seen);
        body.put("modelscope", ms);
        sections.forEach((k, v) -> body.put(k, v.get()));
        return ApiReply.ok(body);
    }

    public ApiReply metrics() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP top_loras_up 1 while the runtime serves.\n# TYPE top_loras_up gauge\ntop_loras_up 1\n");
        out.append("# HELP top_loras_uptime_seconds Seconds since start.\n# TYPE top_loras_uptime_seconds gauge\n");
        out.append("top_loras_uptime_seconds ").append(Duration.between(startedAt, clock.instant()).getSeconds())
                .append('\n');
        out.append("# HELP top_loras_runs Runs on disk by kind and state.\n# TYPE top_loras_runs gauge\n");
        List<RunDocument> all = runs.list();
        for (RunKind k : RunKind.values()) {
            for (RunState s : RunState.values()) {
                long n = all.stream().filter(r -> k.wire().equals(r.kind()) && s.wire().equals(r.state())).count();
                out.append("top_loras_runs{kind=\"").append(k.wire()).append("\",state=\"").append(s.wire())
                        .append("\"} ").append(n).append('\n');
            }
        }
        out.append("# HELP top_loras_upstream_calls_total Calls per upstream host.\n")
                .append("# TYPE top_loras_upstream_calls_total counter\n");
        upstream.snapshot().forEach((host, seen) -> {
            out.append("top_loras_upstream_calls_total{host=\"").append(host).append("\"} ").append(seen.calls())
                    .append('\n');
            out.append("top_loras_upstream_failures_total{host=\"").append(host).append("\"} ")
                    .append(seen.failures()).append('\n');
        });
        gauges.forEach((name, v) -> out.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ')
                .append(v.get()).append('\n'));
        return ApiReply.raw(200, "text/plain; version=0.0.4; charset=utf-8", out.toString());
    }

    private static String version() {
        String v = SystemApi.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
