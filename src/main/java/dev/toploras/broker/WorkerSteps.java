package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobEvent;
import dev.toploras.jobs.JobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the broker. The worker runs the same generation route as `serve`, against a scratch job store
 * of its own (a temporary folder, no shared disk): a claimed job is seeded into it, every event the route writes
 * is forwarded to the coordinator as it happens, and when the job ends its document, images and held-back events go
 * back as one result. The scratch copy is deleted once the coordinator has stored it.
 */
public final class WorkerSteps {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSteps.class);
    private final String name;
    private final JobStore scratch;
    private final ObjectMapper json;
    private final Map<String, List<JobEvent>> held = new ConcurrentHashMap<>();
    /** Job id to the claim token the coordinator gave with it: every update and the result carry it back. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final AtomicLong jobsDone = new AtomicLong();
    private volatile InputStore inputs;
    private volatile BiConsumer<String, String> forward = (jobId, body) -> { };

    public WorkerSteps(String name, JobStore scratch, ObjectMapper json) {
        this.name = name;
        this.scratch = scratch;
        this.json = json;
        scratch.onEvent(this::onEvent);
    }

    /** This worker's cache/inputs/ (under its scratch home), where claimed jobs' input images are put. */
    public WorkerSteps withInputs(InputStore store) {
        this.inputs = store;
        return this;
    }

    public String name() {
        return name;
    }

    /** Where live updates go (the worker-update route); set once the routes exist. */
    public void forwardTo(BiConsumer<String, String> sender) {
        this.forward = sender;
    }

    public String claim(String jobId) {
        return write(new WorkMessages.Claim(jobId, name));
    }

    /** The coordinator said run: the job goes into the scratch store as the coordinator has it. */
    public boolean seed(String replyBody) {
        WorkMessages.ClaimReply reply = read(replyBody, WorkMessages.ClaimReply.class);
        if (!reply.run()) {
            LOG.info("skipping a job the coordinator will not have run: {}", reply.reason());
            return false;
        }
        JobDocument doc = reply.job();
        storeInputs(doc, reply.inputs());
        forget(doc);
        scratch.update(doc);
        held.put(doc.jobId(), new ArrayList<>());
        running.put(doc.jobId(), reply.token() == null ? "" : reply.token());
        return true;
    }

    /**
     * The claimed job's input images into this worker's own cache/inputs/, each only when its bytes hash to the
     * sha256 the job names: a damaged transfer hands the job back (the message is not acknowledged) rather than
     * rendering from the wrong image.
     */
    private void storeInputs(JobDocument doc, List<WorkMessages.Input> sent) {
        if (sent.isEmpty() || inputs == null) {
            return;
        }
        java.util.Set<String> named = new java.util.HashSet<>();
        if (doc.inputs() != null) {
            doc.inputs().forEach(i -> named.add(i.sha256()));
        }
        for (WorkMessages.Input in : sent) {
            if (!named.contains(in.sha256())) {
                throw new MalformedMessageException("job " + doc.jobId() + ": the claim carried input image "
                        + in.sha256() + ", which the job does not name");
            }
            InputStore.Candidate c = inputs.check(in.bytes() == null ? new byte[0] : in.bytes(), null);
            if (!c.sha256().equals(in.sha256())) {
                throw new BrokerException("job " + doc.jobId() + ": input image " + in.sha256()
                        + " arrived with other bytes (sha256 " + c.sha256() + "); the job goes back to the queue");
            }
            inputs.put(c);
        }
    }

    /** Images and end events wait for the result message; everything else is told to the coordinator now. */
    private void onEvent(JobDocument doc, JobEvent event) {
        List<JobEvent> hold = held.get(doc.jobId());
        if (hold != null && (doc.status().isTerminal() || JobEvent.ASSET.equals(event.type()))) {
            hold.add(event);
            return;
        }
        try {
            forward.accept(doc.jobId(), write(new WorkMessages.Update(doc.jobId(), name, running.get(doc.jobId()), doc,
                    event)));
        } catch (RuntimeException e) {
            // The result carries the final document anyway; only this line of progress is lost.
            LOG.warn("job {}: could not tell the coordinator '{}': {}", doc.jobId(), event.message(), e.getMessage());
        }
    }

    /** The job's end, for the coordinator; a job that has not ended (the worker is stopping) is handed back. */
    public String result(String jobId) {
        JobDocument doc = scratch.find(jobId).orElseThrow(() -> new WorkerStoppedException(jobId));
        if (!doc.status().isTerminal()) {
            throw new WorkerStoppedException(jobId);
        }
        List<WorkMessages.Image> images = new ArrayList<>();
        Path dir = scratch.imagesDir(doc.task(), jobId);
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> !p.getFileName().toString()
                    .startsWith("."))) {
                for (Path f : files) {
                    images.add(new WorkMessages.Image(f.getFileName().toString(), Files.readAllBytes(f)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the images of job " + jobId + ": " + e.getMessage(), e);
            }
        }
        List<JobEvent> events = held.getOrDefault(jobId, List.of());
        return write(new WorkMessages.Result(jobId, name, running.get(jobId), doc, List.copyOf(events), images));
    }

    /**
     * The coordinator answered the result: the scratch copy has served its purpose. When it no longer knows this
     * worker's claim (it restarted), the job message is handed back, not acknowledged: the next claim resumes it.
     */
    public void stored(String jobId, String replyBody) {
        WorkMessages.Stored stored = read(replyBody, WorkMessages.Stored.class);
        if (stored.claimLost()) {
            scratch.find(jobId).ifPresent(this::forget);
            held.remove(jobId);
            running.remove(jobId);
            throw new BrokerException("job " + jobId + ": the coordinator did not take the result (" + stored.reason()
                    + "); the job goes back to the queue and is resumed by the next claim");
        }
        if (!stored.stored()) {
            LOG.info("job {}: the coordinator kept its earlier result ({})", jobId, stored.reason());
        }
        jobsDone.incrementAndGet();
        scratch.find(jobId).ifPresent(this::forget);
        held.remove(jobId);
        running.remove(jobId);
    }

    /** A cancel told on the topic: left as a marker in the scratch store, where the generation steps look. */
    public void cancel(String jobId) {
        if (running.containsKey(jobId)) {
            scratch.find(jobId).filter(d -> !d.status().isTerminal()).ifPresent(scratch::requestCancel);
        }
    }

    public String heartbeat() {
        return write(new WorkMessages.Heartbeat(name, running.size(), jobsDone.get()));
    }

    /** Clears what an earlier run of this job left in the scratch store (a redelivery to the same worker). */
    private void forget(JobDocument doc) {
        Optional.of(scratch.imagesDir(doc.task(), doc.jobId())).filter(Files::isDirectory).ifPresent(dir -> {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.warn("could not clear {}: {}", dir, e.getMessage());
            }
        });
        scratch.clearCancelRequest(doc);
        try {
            Files.deleteIfExists(scratch.documentFile(doc.task(), doc.jobId()));
            Files.deleteIfExists(scratch.eventsFile(doc.task(), doc.jobId()));
        } catch (IOException e) {
            LOG.warn("could not clear job {} from the scratch store: {}", doc.jobId(), e.getMessage());
        }
    }

    private <T> T read(String body, Class<T> type) {
        return WorkMessages.read(json, body, type);
    }

    private String write(Object value) {
        return WorkMessages.write(json, value);
    }
}
