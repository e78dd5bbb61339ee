package dev.toploras.modelscope;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the last calls to each upstream host showed, so /api/health can say whether ModelScope is reachable
 * without probing it on every request. Any HTTP reply counts as reachable; no reply does not.
 */
public final class UpstreamHealth {
    public record Seen(boolean reachable, Instant at, String detail, long calls, long failures) {
    }

    private final Clock clock;
    private final Map<String, Seen> byHost = new ConcurrentHashMap<>();

    public UpstreamHealth(Clock clock) {
        this.clock = clock;
    }

    void record(String host, boolean reachable, String detail) {
        byHost.merge(host, new Seen(reachable, clock.instant(), detail, 1, reachable ? 0 : 1),
                (old, neu) -> new Seen(reachable, neu.at(), detail, old.calls() + 1, old.failures() + neu.failures()));
    }

    public Map<String, Seen> snapshot() {
        return new TreeMap<>(byHost);
    }
}
