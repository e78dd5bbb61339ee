package dev.toploras.generation;

import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The job store as the generation beans use it: the job by id (the store is the truth, the route holds only the
 * id), the cancel check, and the timing of each step recorded as it ends, so a restart keeps what was done.
 */
public final class JobRecords {
    private final JobStore store;

    public JobRecords(JobStore store) {
        this.store = store;
    }

    JobStore store() {
        return store;
    }

    JobDocument doc(String jobId) {
        return store.find(jobId).orElseThrow(() -> new IllegalStateException("job " + jobId
                + " has no document any more; was cache/outputs/ changed by hand while it ran?"));
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
        return store.update(withStep(doc, step));
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
