package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.InputImage;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobEvent;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of the broker: it answers claims and applies what workers send to the job store, so the
 * store keeps one writer and the outputs contract, events and SSE stay as they are. A job that has ended is never
 * written again: a second result for it (a redelivered job whose first worker finished after all) is ignored.
 *
 * <p>Each claim that says "run" hands out a fresh claim token (256 random bits), kept here in memory only; an update
 * or a result counts only with the token of the job's latest claim. So a client that holds the broker password but
 * no claim (or a worker whose job was handed to another since) changes nothing: one WARN line, and the message is
 * dropped. Tokens travel only in non-persistent messages, so they never reach the broker journal.
 */
public final class JobApplier {
    private static final Logger LOG = LoggerFactory.getLogger(JobApplier.class);
    private final JobStore store;
    private final WorkerRegistry workers;
    private final ObjectMapper json;
    private final int maxDeliveries;
    private volatile InputStore inputs;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Job id to the token of its latest claim; gone when the job ends here. */
    private final Map<String, String> claims = new ConcurrentHashMap<>();
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private final java.util.concurrent.atomic.AtomicLong deadLetters = new java.util.concurrent.atomic.AtomicLong();

    public JobApplier(JobStore store, WorkerRegistry workers, ObjectMapper json, int maxDeliveries) {
        this.store = store;
        this.workers = workers;
        this.json = json;
        this.maxDeliveries = maxDeliveries;
    }

    /** Where the input images of claimed jobs are read from (cache/inputs/); none, and claims carry no images. */
    public JobApplier withInputs(InputStore inputs) {
        this.inputs = inputs;
        return this;
    }

    /** The bytes of the job's input images, for a worker that cannot read this home's cache/inputs/. */
    private List<WorkMessages.Input> inputsOf(JobDocument doc) {
        List<WorkMessages.Input> out = new java.util.ArrayList<>();
        if (inputs == null || doc.inputs() == null) {
            return out;
        }
        for (InputImage in : doc.inputs()) {
            // A file gone from cache/inputs/ goes without: the worker's render then names the missing image.
            inputs.file(in.sha256()).ifPresent(f -> {
                try {
                    out.add(new WorkMessages.Input(in.sha256(), Files.readAllBytes(f)));
                } catch (IOException e) {
                    LOG.warn("job {}: could not read input image {}: {}", doc.jobId(), in.sha256(), e.getMessage());
                }
            });
        }
        return out;
    }

    /** A worker took the job off the queue: tell it whether to run it, from the document the store holds. */
    public String claim(String body) {
        WorkMessages.Claim claim = read(body, WorkMessages.Claim.class);
        workers.seen(claim.worker());
        synchronized (lock(claim.jobId())) {
            Optional<JobDocument> found = store.find(claim.jobId());
            WorkMessages.ClaimReply reply;
            if (found.isEmpty()) {
                LOG.warn("worker {} took job {}, which has no document; dropped", claim.worker(), claim.jobId());
                reply = WorkMessages.ClaimReply.skip("no such job");
            } else if (found.get().status().isTerminal()) {
                reply = WorkMessages.ClaimReply.skip("already " + found.get().status().wire());
            } else if (store.cancelRequested(found.get())) {
                JobDocument doc = store.moveTo(found.get(), JobStatus.CANCELLED, "cancelled on request");
                store.clearCancelRequest(doc);
                reply = WorkMessages.ClaimReply.skip("cancelled");
            } else {
                String token = newToken();
                claims.put(claim.jobId(), token);
                reply = new WorkMessages.ClaimReply(true, null, found.get(), token, inputsOf(found.get()));
            }
            return write(reply);
        }
    }

    /** An event of a job a worker is running; dropped once the job has ended here. */
    public void update(String body) {
        WorkMessages.Update u = read(body, WorkMessages.Update.class);
        workers.seen(u.worker());
        synchronized (lock(u.jobId())) {
            if (!holdsClaim(u.jobId(), u.token())) {
                LOG.warn("job {}: an event from '{}' without the job's claim was ignored", u.jobId(), u.worker());
                return;
            }
            Optional<JobDocument> current = store.find(u.jobId());
            if (current.isEmpty() || current.get().status().isTerminal() || u.job().status().isTerminal()
                    || !sameJob(current.get(), u.job())) {
                return;
            }
            store.replay(u.job().withMeta(u.job().meta().withWorker(u.worker())), u.event());
        }
    }

    /** The end of a job run by a worker: images first, then the held-back events, the final document last. */
    public String result(String body) {
        WorkMessages.Result r = read(body, WorkMessages.Result.class);
        workers.seen(r.worker());
        synchronized (lock(r.jobId())) {
            Optional<JobDocument> found = store.find(r.jobId());
            if (found.isEmpty()) {
                return write(WorkMessages.Stored.no("no such job"));
            }
            JobDocument current = found.get();
            if (current.status().isTerminal()) {
                LOG.info("job {}: a second result (from {}) ignored; it was already {}", r.jobId(), r.worker(),
                        current.status().wire());
                return write(WorkMessages.Stored.no("duplicate: already " + current.status().wire()));
            }
            if (!holdsClaim(r.jobId(), r.token())) {
                LOG.warn("job {}: a result from '{}' without the job's claim was ignored", r.jobId(), r.worker());
                return write(new WorkMessages.Stored(false, "no claim: this job was not (or is no longer) claimed "
                        + "with that token", true));
            }
            if (!sameJob(current, r.job()) || !r.job().status().isTerminal()) {
                throw new BrokerException("worker " + r.worker() + " sent a result for job " + r.jobId()
                        + " that does not match the stored job or has not ended");
            }
            for (WorkMessages.Image image : r.images()) {
                store.storeImage(current, image.name(), image.bytes());
            }
            JobDocument last = r.job().withMeta(r.job().meta().withWorker(r.worker()));
            List<JobEvent> events = r.events();
            for (int i = 0; i < events.size(); i++) {
                // The document turns terminal only with the last event, so a reader never sees "succeeded" early.
                store.replay(i == events.size() - 1 ? last : current, events.get(i));
            }
            if (events.isEmpty()) {
                store.update(last);
            }
            store.clearCancelRequest(last);
            workers.done(r.worker());
            claims.remove(r.jobId());
            locks.remove(r.jobId());
            return write(WorkMessages.Stored.yes());
        }
    }

    /**
     * A job message every worker failed on retries.max times: the job fails with a code that says so. (The
     * message's own delivery count restarts on the dead-letter queue, so the configured limit is what is told.)
     */
    public void deadLetter(String jobId) {
        synchronized (lock(jobId)) {
            Optional<JobDocument> found = store.find(jobId);
            if (found.isEmpty() || found.get().status().isTerminal()) {
                return;
            }
            JobDocument doc = found.get();
            if (doc.status() == JobStatus.QUEUED) {
                doc = store.moveTo(doc, JobStatus.RUNNING, "running");
            }
            int n = maxDeliveries;
            Problem problem = Problem.of(ErrorCode.DELIVERY_FAILED, "the job was handed to a worker " + n
                    + " time(s) (retries.max) and no result came back; its message is in the dead-letter queue "
                    + BrokerSettings.DEAD_LETTERS + ". Check the workers' logs, then submit the job again",
                    Map.of("deliveries", n, "queue", BrokerSettings.DEAD_LETTERS));
            store.moveTo(doc.withError(problem), JobStatus.FAILED, problem.message());
            deadLetters.incrementAndGet();
            LOG.warn("job {} failed: its message went to the dead-letter queue after {} deliveries", jobId, n);
            claims.remove(jobId);
            locks.remove(jobId);
        }
    }

    /** Job messages that reached the dead-letter queue since start (the queue itself is emptied by this route). */
    public long deadLetters() {
        return deadLetters.get();
    }

    /** Jobs with a cancel request still running somewhere: told to every worker on the cancel topic. */
    public List<String> cancelRequests() {
        return store.cancelRequests();
    }

    public void heartbeat(String body) {
        workers.heartbeat(read(body, WorkMessages.Heartbeat.class));
    }

    /**
     * The reply to a message the routes could not read (it goes to the rejected-messages queue): a skip for a claim,
     * a refusal for a result, so a waiting sender is answered at once rather than after broker.reply-timeout. A
     * worker whose result was unreadable hands its job message back (claim_lost), so the job is not left running:
     * it is tried again and, failing every time, ends on the dead-letter queue as delivery_failed.
     */
    public String rejected(@org.apache.camel.ExchangeException Throwable e) {
        String reason = e == null ? "malformed message" : e.getMessage();
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("run", false);
        reply.put("stored", false);
        reply.put("claim_lost", true);
        reply.put("reason", "rejected: " + reason);
        return write(reply);
    }

    private boolean holdsClaim(String jobId, String token) {
        String held = claims.get(jobId);
        return held != null && token != null && java.security.MessageDigest.isEqual(
                held.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean sameJob(JobDocument stored, JobDocument sent) {
        return sent != null && stored.jobId().equals(sent.jobId()) && stored.task().equals(sent.task());
    }

    private Object lock(String jobId) {
        return locks.computeIfAbsent(jobId, id -> new Object());
    }

    private <T> T read(String body, Class<T> type) {
        return WorkMessages.read(json, body, type);
    }

    private String write(Object value) {
        return WorkMessages.write(json, value);
    }
}
