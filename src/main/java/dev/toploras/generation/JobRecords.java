package dev.toploras.generation;

import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.toploras.jobs.JobStatus;

/**
 * The job store as the generation beans use it: the job by id (the store is the truth, the route holds only the
 * id), the cancel check, and the timing of each step recorded as it ends, so a restart keeps what was done.
 */
public final class JobRecords {
    private final JobStore store;
    /**
     * The last document this worker read or wrote, per job it holds: the worker is the only writer of a running
     * job's document (a cancel is a marker file), so each step need not read and parse the file again.
     */
    private final Map<String, JobDocument> held = new ConcurrentHashMap<>();

    public JobRecords(JobStore store) {
        this.store = store;
    }

    JobDocument update(JobDocument doc) {
        return remember(store.update(doc));
    }

    JobDocument moveTo(JobDocument doc, JobStatus next, String message) {
        return remember(store.moveTo(doc, next, message));
    }

    private JobDocument remember(JobDocument doc) {
        held.computeIfPresent(doc.jobId(), (id, old) -> doc);
        return doc;
    }

    /** The worker took the job: its steps read this document until it lets go. */
    JobDocument hold(JobDocument doc) {
        held.put(doc.jobId(), doc);
        return doc;
    }

    /** The worker lets go of the job: the next read comes from the file again. */
    void forget(String jobId) {
        held.remove(jobId);
    }

    JobStore store() {
        return store;
    }

    /** The job a worker holds; read from the store the first time. */
    JobDocument doc(String jobId) {
        JobDocument known = held.get(jobId);
        if (known != null) {
            return known;
        }
        JobDocument doc = store.find(jobId).orElseThrow(() -> new IllegalStateException("job " + jobId
                + " has no document any more; was cache/outputs/ changed by hand while it ran?"));
        held.put(jobId, doc);
        return doc;
    }

    void checkCancel(JobDocument doc) {
        if (store.cancelRequested(doc)) {
            throw new JobCancelledException(doc.jobId());
        }
    }

    JobDocument step(JobDocument doc, String name, java.util.Date from) {
        return step(doc, new JobDocument.Step(name, since(from)));
    }

    /** Milliseconds since a start the route took with {@code ${date:now}}; 0 when it took none. */
    static long since(java.util.Date from) {
        return from == null ? 0 : Math.max(0, System.currentTimeMillis() - from.getTime());
    }

    JobDocument step(JobDocument doc, JobDocument.Step step) {
        return update(withStep(doc, step));
    }

    /** The document with one more timing step, not yet written: for a step that ends with another write. */
    static JobDocument withStep(JobDocument doc, JobDocument.Step step) {
        List<JobDocument.Step> steps = new ArrayList<>(doc.meta().timing().steps());
        steps.add(step);
        return doc.withMeta(doc.meta().withTiming(new JobDocument.Timing(doc.meta().timing().totalMs(), steps)));
    }

    static JobDocument withStep(JobDocument doc, String name, java.util.Date from) {
        return withStep(doc, new JobDocument.Step(name, since(from)));
    }
}
