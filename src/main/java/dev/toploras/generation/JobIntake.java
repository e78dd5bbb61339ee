package dev.toploras.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.jobs.JobConflictException;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a request becomes a job, whatever brought it (an inbox file through the inbox's InboxIntake, HTTP, a
 * batch): it becomes a queued job document (the truth) before its id goes on the queue.
 */
public final class JobIntake {
    private static final Logger LOG = LoggerFactory.getLogger(JobIntake.class);
    private final Home home;
    private final JobStore store;
    private final JobRequestReader reader;
    private final ObjectMapper json;
    private final String node;
    private final Inputs inputs;

    /** How a request's images are checked and stored, and what it must fit. */
    public record Inputs(dev.toploras.inputs.InputResolver resolver, JobFit fit) {
    }

    public JobIntake(Home home, JobStore store, JobRequestReader reader, ObjectMapper json, String node,
                     Inputs inputs) {
        this.home = home;
        this.store = store;
        this.reader = reader;
        this.json = json;
        this.node = node;
        this.inputs = inputs;
    }

    /** A request as accepted: the job it names, and whether it was created now or existed already. */
    public record Acceptance(String jobId, boolean created) {
    }

    /** The one way a request becomes a job, whatever brought it (inbox file, HTTP, batch). */
    public Acceptance acceptRequest(byte[] body, String source) {
        return acceptRequest(body, source, null);
    }

    /**
     * A request from the inbox: its images may name files beside it in {@code inbox}, and those leave the inbox with
     * it (to .done/) once the job is stored.
     */
    public Acceptance acceptRequest(byte[] body, String source, java.nio.file.Path inbox) {
        JobRequest read = reader.read(body);
        inputs.fit().check(read);
        JobRequest request = read.withInputs(inputs.resolver().resolve(read.images(), inbox));
        JobStore.Creation c = store.createOnce(JobDocument.queued(request, store.clock().instant(), node));
        if (!c.created() && c.jobId().equals(request.jobId())) {
            store.find(c.jobId()).filter(earlier -> !sameRequest(earlier.request(), request)).ifPresent(earlier -> {
                throw new JobConflictException(c.jobId(), earlier.status()); // its images stay in the inbox
            });
        }
        if (inbox != null) {
            // The job is stored (or was, the same request): its images leave the inbox with it.
            takeFromInbox(inbox, dev.toploras.inputs.InputResolver.inboxNames(read.images()));
        }
        if (!c.created()) {
            LOG.info("{}: job {} exists already (job_id or idempotency_key); not run again", source, c.jobId());
            return new Acceptance(c.jobId(), false);
        }
        LOG.info("{}: queued job {} ({}, backend {})", source, request.jobId(), request.task(),
                request.backend().wire());
        return new Acceptance(request.jobId(), true);
    }

    /**
     * Moves the inbox images a job named to inbox/.done/ (their bytes are stored under cache/inputs/ by now). A name
     * taken in .done/ gets "-1", "-2", ... before its extension, so nothing there is replaced.
     */
    private static void takeFromInbox(java.nio.file.Path inbox, List<String> names) {
        java.nio.file.Path done = inbox.resolve(".done");
        for (String name : names) {
            java.nio.file.Path from = inbox.resolve(name);
            try {
                java.nio.file.Files.createDirectories(done);
                int dot = name.lastIndexOf('.');
                String base = dot > 0 ? name.substring(0, dot) : name;
                String ext = dot > 0 ? name.substring(dot) : "";
                java.nio.file.Path to = done.resolve(name);
                for (int n = 1; java.nio.file.Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
                    to = done.resolve(base + "-" + n + ext);
                }
                java.nio.file.Files.move(from, to, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (java.io.IOException e) {
                // Already stored under cache/inputs/; a file left in the inbox is only untidy.
                LOG.warn("inbox/{}: stored, but could not be moved to .done/: {}", name, e.getMessage());
            }
        }
    }

    /** The same job asked for again (a retry); a seed the worker drew for a request without one does not count. */
    static boolean sameRequest(JobRequest earlier, JobRequest again) {
        JobParams p = earlier.params();
        JobParams asked = again.params();
        JobParams comparable = asked.seed() != null || p == null ? p : new JobParams(p.prompt(), p.negativePrompt(),
                p.size(), p.steps(), p.guidance(), null, p.sampler(), p.strength(), p.scheduler(), p.loraClip(),
                p.triggerWords());
        return earlier.task().equals(again.task()) && java.util.Objects.equals(earlier.modelId(), again.modelId())
                && earlier.loras().equals(again.loras()) && asked.equals(comparable)
                && earlier.backend() == again.backend()
                && earlier.inputs().stream().map(dev.toploras.jobs.InputImage::sha256).toList()
                        .equals(again.inputs().stream().map(dev.toploras.jobs.InputImage::sha256).toList());
    }
}
