package dev.toploras.runs;

import dev.toploras.errors.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A run in progress: its items move through stages, each move an event; {@link #finish} settles the state. */
public final class RunHandle {
    private final RunStore store;
    private final Clock clock;
    private final AtomicLong eventIds = new AtomicLong();
    private final Map<String, RunItem> items = new LinkedHashMap<>();
    private RunDocument doc;

    RunHandle(RunStore store, RunDocument doc, Clock clock, List<RunItem> existing, long lastEventId) {
        this.store = store;
        this.doc = doc;
        this.clock = clock;
        existing.forEach(i -> items.put(i.itemId(), i));
        eventIds.set(lastEventId);
    }

    /** The stage an item is at, or null for an item the run does not have. */
    public synchronized String stageOf(String itemId) {
        RunItem it = items.get(itemId);
        return it == null ? null : it.stage();
    }

    public String runId() {
        return doc.runId();
    }

    public synchronized RunDocument document() {
        return doc.with(doc.state(), doc.finishedAt(), counts(), doc.error());
    }

    public synchronized List<RunItem> items() {
        return List.copyOf(items.values());
    }

    public synchronized void item(String itemId, String label, String stage) {
        Instant now = clock.instant();
        items.put(itemId, new RunItem(itemId, doc.runId(), stage, label, List.of(), null, now));
        event(itemId, stage, label);
    }

    public synchronized void stage(String itemId, String stage, String message) {
        RunItem it = items.get(itemId);
        if (it != null) {
            items.put(itemId, it.at(stage, clock.instant()));
            event(itemId, stage, message);
        }
    }

    public synchronized void warn(String itemId, String warning) {
        RunItem it = items.get(itemId);
        if (it != null) {
            items.put(itemId, it.warned(warning, clock.instant()));
            event(itemId, it.stage(), "warning: " + warning);
        }
    }

    public synchronized void failItem(String itemId, String why) {
        RunItem it = items.get(itemId);
        if (it != null) {
            items.put(itemId, it.failed(why, clock.instant()));
            event(itemId, it.stage(), "failed: " + why);
        }
    }

    /** Writes the current document and items so a reader of the files sees the progress so far. */
    public synchronized void flush() {
        store.writeJson(store.dir(doc.runId()).resolve("items.json"), new ArrayList<>(items.values()));
        store.writeJson(store.dir(doc.runId()).resolve("run.json"), document());
    }

    /** Ends the run: failed with {@code error}, else completed (with warnings when any item has one). */
    public synchronized RunDocument finish(Problem error) {
        RunDocument.Counts c = counts();
        RunState state = error != null ? RunState.FAILED
                : c.warnings() > 0 || c.failed() > 0 ? RunState.COMPLETED_WITH_WARNINGS : RunState.COMPLETED;
        return settle(state, error);
    }

    public synchronized RunDocument cancel() {
        return settle(RunState.CANCELLED, null);
    }

    private RunDocument settle(RunState state, Problem error) {
        if (RunState.parse(doc.state()).isFinal()) {
            return doc;
        }
        doc = doc.with(state.wire(), clock.instant(), counts(), error);
        event(null, state.wire(), error == null ? "run " + state.wire() : error.message());
        flush();
        store.finished(this);
        return doc;
    }

    private RunDocument.Counts counts() {
        int done = 0;
        int warned = 0;
        int failed = 0;
        for (RunItem it : items.values()) {
            if ("done".equals(it.stage()) || "succeeded".equals(it.stage())) {
                done++;
            }
            if (it.hasWarning()) {
                warned++;
            }
            if (it.error() != null || "failed".equals(it.stage())) {
                failed++;
            }
        }
        return new RunDocument.Counts(items.size(), done, warned, failed);
    }

    private void event(String itemId, String stage, String message) {
        store.append(doc.runId(), new RunEvent(eventIds.incrementAndGet(), doc.runId(), itemId, clock.instant(), stage,
                message));
    }
}
