package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobException;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.Stage;
import dev.toploras.modelscope.UpstreamException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job ends, and the notes on its way there (bean {@code jobOutcomes}): succeeded, failed with a problem,
 * cancelled, left for the next start; the local fallback note. Each is one write to the store and one event.
 */
public final class JobOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(JobOutcomes.class);
    private final JobRecords records;
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile Map<String, Object> lastFallback;

    public JobOutcomes(JobRecords records) {
        this.records = records;
    }

    /** auto with no token anywhere: local from the start, and the note says which two places were empty. */
    void noToken(String jobId) {
        note(jobId, fallbackNote("no_token", "no ModelScope token: MODELSCOPE_API_TOKEN is not set and the request "
                + "sent no X-ModelScope-Token; rendered locally instead (set the token to use ModelScope)", Map.of()));
    }

    /** auto and ModelScope refused the token, rate-limited the job or stayed down after the retries. */
    public void fallBack(String jobId, Exception e) {
        UpstreamException u = upstream(e);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", u == null ? ErrorCode.UPSTREAM_UNAVAILABLE.wire() : u.code().wire());
        if (u != null && u.httpStatus() > 0) {
            details.put("http_status", u.httpStatus());
        }
        // images of a download that broke off half way are not mixed with the local render
        JobDocument doc = records.doc(jobId);
        if (!doc.result().isEmpty()) {
            records.update(doc.withResult(java.util.List.of()));
        }
        note(jobId, fallbackNote((String) details.get("reason"), "ModelScope could not run the job ("
                + (u == null ? e.getMessage() : u.getMessage()) + "); rendered locally instead", details));
    }

    private Problem fallbackNote(String reason, String message, Map<String, Object> details) {
        fallbacks.incrementAndGet();
        lastFallback = Map.of("reason", reason, "at", records.store().clock().instant().toString());
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.putIfAbsent("reason", reason);
        return new Problem("FALLBACK_LOCAL", message, d);
    }

    private void note(String jobId, Problem note) {
        JobDocument doc = records.update(records.doc(jobId).withNote(note));
        records.store().log(doc, Stage.RENDERING_LOCAL, note.message());
    }

    public void succeed(String jobId, String backendUsed, java.util.Date start) {
        JobDocument doc = records.doc(jobId);
        if (backendUsed == null) {
            // resumed with its images stored before the restart: the backend that made them is already recorded
            backendUsed = doc.meta().backend() == null ? "remote" : doc.meta().backend();
        }
        records.checkCancel(doc);
        java.util.Date t = new java.util.Date();
        for (JobDocument.ResultImage img : doc.result()) {
            records.store().asset(doc, img);
        }
        doc = JobRecords.withStep(doc, "store", t);
        doc = doc.withMeta(doc.meta().withBackend(backendUsed).withTiming(total(doc, start)));
        records.moveTo(doc, JobStatus.SUCCEEDED, "done: " + doc.result().size() + " image(s) by "
                + backendUsed);
    }

    public void fail(String jobId, Exception e, java.util.Date start) {
        Problem problem = problemOf(e);
        JobDocument doc = jobId == null ? null : records.store().find(jobId).orElse(null);
        if (doc == null || doc.status().isTerminal()) {
            LOG.error("job {} failed outside its run: {}", jobId, problem.message());
            return;
        }
        doc = doc.withError(problem).withMeta(doc.meta().withTiming(total(doc, start)));
        records.moveTo(doc, JobStatus.FAILED, problem.message());
        if (ErrorCode.INTERNAL_ERROR.wire().equals(problem.code()) && !(e instanceof JobException)) {
            LOG.error("job {} failed unexpectedly: {}", jobId, problem.message(), e);
        } else {
            LOG.warn("job {} failed: {}", jobId, problem.message());
        }
    }

    public void cancel(String jobId) {
        records.moveTo(records.doc(jobId), JobStatus.CANCELLED, "cancelled on request");
        LOG.info("job {} cancelled", jobId);
    }

    public void leave(String jobId) {
        records.store().log(records.doc(jobId), Stage.POLLING, "runtime stopping; the job resumes at the next start");
    }

    /** For /api/health: how often the local fallback was taken since start, and the latest reason. */
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("fallbacks_since_start", fallbacks.get());
        h.put("last_fallback", lastFallback);
        return h;
    }

    private static JobDocument.Timing total(JobDocument doc, java.util.Date start) {
        return new JobDocument.Timing(JobRecords.since(start), doc.meta().timing().steps());
    }

    static Problem problemOf(Throwable e) {
        UpstreamException u = upstream(e);
        if (u != null && !(e instanceof JobException)) {
            return u.httpStatus() > 0 ? Problem.of(u.code(), u.getMessage(), Map.of("http_status", u.httpStatus()))
                    : Problem.of(u.code(), u.getMessage());
        }
        return Problem.from(e);
    }

    private static UpstreamException upstream(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UpstreamException u) {
                return u;
            }
        }
        return null;
    }
}
