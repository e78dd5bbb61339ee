package dev.toploras.local;

import dev.toploras.jobs.JobDocument;
import java.util.ArrayList;
import java.util.List;

/**
 * Timing steps of a local render (variable localSteps, appended to meta.timing.steps by the worker): the routes
 * take a start with {@link #now()} and record a named step from it.
 */
public final class LocalTiming {
    public long now() {
        return System.nanoTime();
    }

    public List<JobDocument.Step> start() {
        return new ArrayList<>();
    }

    /** Appends {@code name} = time since {@code startNanos}; returns the current time, the next step's start. */
    public long add(List<JobDocument.Step> steps, String name, long startNanos) {
        long now = System.nanoTime();
        steps.add(new JobDocument.Step(name, (now - startNanos) / 1_000_000));
        return now;
    }
}
