package dev.toploras.broker;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The workers the coordinator has heard from: name, when last, jobs whose result it stored. In memory only. */
public final class WorkerRegistry {
    private final Clock clock;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();

    public record Worker(String name, Instant lastSeen, long jobsDone, int busy) {
    }

    public WorkerRegistry(Clock clock) {
        this.clock = clock;
    }

    public void seen(String name) {
        workers.merge(name, new Worker(name, clock.instant(), 0, 0),
                (old, n) -> new Worker(name, n.lastSeen(), old.jobsDone(), old.busy()));
    }

    public void heartbeat(WorkMessages.Heartbeat h) {
        workers.merge(h.worker(), new Worker(h.worker(), clock.instant(), 0, h.busy()),
                (old, n) -> new Worker(h.worker(), n.lastSeen(), old.jobsDone(), h.busy()));
    }

    public void done(String name) {
        workers.merge(name, new Worker(name, clock.instant(), 1, 0),
                (old, n) -> new Worker(name, n.lastSeen(), old.jobsDone() + 1, old.busy()));
    }

    public List<Worker> list() {
        return workers.values().stream().sorted(Comparator.comparing(Worker::name)).toList();
    }
}
