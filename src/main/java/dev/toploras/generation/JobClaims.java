package dev.toploras.generation;

import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.Stage;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.RequestTokens;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking a job off the queue and letting go of it (bean {@code jobClaims}): which job a worker holds, the seed it
 * renders with, the backend it starts on, and the jobs a restart must pick up again.
 */
public final class JobClaims {
    private static final Logger LOG = LoggerFactory.getLogger(JobClaims.class);
    /** Seeds stay within what job-request.schema.json accepts, so a job's params can be posted again. */
    static final long MAX_SEED = Integer.MAX_VALUE;
    private final JobRecords records;
    private final InferenceClient inference;
    private final RequestTokens tokens;
    private final JobOutcomes outcomes;
    /** Jobs a worker holds now: the same id queued twice (restart, re-drop) never runs in two workers. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public JobClaims(JobRecords records, InferenceClient inference, RequestTokens tokens, JobOutcomes outcomes) {
        this.records = records;
        this.inference = inference;
        this.tokens = tokens;
        this.outcomes = outcomes;
    }

    /**
     * The job to work on, now running, with its seed drawn; null when there is nothing to do (finished, cancelled,
     * held by another worker, the runtime stopping).
     */
    public JobDocument claim(String jobId) {
        Optional<JobDocument> found = records.store().find(jobId);
        if (found.isEmpty()) {
            LOG.warn("job {} was queued but has no document; skipped", jobId);
            tokens.remove(jobId);
            return null;
        }
        JobDocument doc = found.get();
        if (stopping || doc.status().isTerminal() || !claimed.add(jobId)) {
            tokens.remove(jobId); // nothing will run here: a token sent for this job has no further use
            return null;
        }
        try {
            if (records.store().cancelRequested(doc)) {
                outcomes.cancel(jobId);
                release(jobId);
                return null;
            }
            if (doc.status() == JobStatus.QUEUED) {
                doc = records.moveTo(doc.withMeta(doc.meta().withAttempts(1)), JobStatus.RUNNING, "running");
            } else {
                int attempt = doc.meta().attempts() + 1;
                doc = records.update(doc.withMeta(doc.meta().withAttempts(attempt)));
                records.store().log(doc, Stage.SUBMITTING, "resumed after a restart (attempt " + attempt + ")"
                        + resumesAt(doc));
            }
            return records.hold(withSeed(doc));
        } catch (RuntimeException e) {
            claimed.remove(jobId);
            throw e;
        }
    }

    private static String resumesAt(JobDocument doc) {
        if (!doc.result().isEmpty()) {
            return ", " + doc.result().size() + " image(s) already stored";
        }
        return doc.meta().remoteTaskId() == null ? "" : ", polling ModelScope task " + doc.meta().remoteTaskId();
    }

    /** A job without a seed gets one now, stored in its params, so what it renders can be rendered again. */
    private JobDocument withSeed(JobDocument doc) {
        if (doc.params().seed() != null) {
            return doc;
        }
        long seed = ThreadLocalRandom.current().nextLong(0, MAX_SEED + 1);
        JobDocument seeded = records.update(doc.withParams(doc.params().withSeed(seed)));
        records.store().log(seeded, Stage.SUBMITTING, "drew seed " + seed + " (the request had none)");
        return seeded;
    }

    /**
     * Where the job starts: {@code remote} (ModelScope) or {@code local}. A submitted task is polled again, never
     * submitted twice; auto without any token goes local with a FALLBACK_LOCAL note.
     */
    public String backend(String jobId) {
        JobDocument doc = records.doc(jobId);
        if (doc.meta().remoteTaskId() != null) {
            return "remote";
        }
        if (doc.backend() == Backend.LOCAL) {
            return "local";
        }
        if (doc.backend() == Backend.REMOTE || inference.hasToken(jobId)) {
            return "remote";
        }
        outcomes.noToken(jobId);
        return "local";
    }

    public void release(String jobId) {
        if (jobId == null) {
            return;
        }
        records.store().find(jobId).filter(d -> d.status().isTerminal())
                .ifPresent(d -> records.store().clearCancelRequest(d));
        records.forget(jobId);
        claimed.remove(jobId);
        tokens.remove(jobId);
    }

    /** On start: every job left queued or running goes back on the queue (running ones resume in claim). */
    public List<String> recover() {
        List<String> ids = records.store().unfinished().stream().map(JobDocument::jobId).toList();
        if (!ids.isEmpty()) {
            LOG.info("re-queueing {} job(s) left queued or running", ids.size());
        }
        return ids;
    }

    /** The runtime is shutting down: work in flight stops and stays recorded for the next start to resume. */
    public void stopping() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    public int busy() {
        return claimed.size();
    }
}
