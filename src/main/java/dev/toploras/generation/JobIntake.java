package dev.toploras.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobConflictException;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobException;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.core.Home;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox steps of routes/inbox.camel.yaml: a request that passed the schema becomes a queued job document
 * (the truth) before its id goes on the queue; a rejected file gets {@code <name>.error.json} in inbox/.error/.
 */
public final class JobIntake {
    private static final Logger LOG = LoggerFactory.getLogger(JobIntake.class);
    private final Home home;
    private final JobStore store;
    private final JobRequestReader reader;
    private final ObjectMapper json;
    private final String node;
    private final Inputs inputs;

    /** How a request's images are checked and stored, what it must fit, and the inbox its files lie in. */
    public record Inputs(dev.toploras.inputs.InputResolver resolver, JobFit fit, java.nio.file.Path inbox) {
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

    /**
     * Returns the new job's id, or null when the same job_id or idempotency_key was accepted before. The images the
     * job names beside it in the inbox leave the inbox with it (to .done/), once the job is stored.
     */
    public String accept(byte[] body, @Header("CamelFileName") String fileName) {
        Acceptance a = acceptRequest(body, "inbox/" + fileName, inputs.inbox());
        return a.created() ? a.jobId() : null;
    }

    /** A request as accepted: the job it names, and whether it was created now or existed already. */
    public record Acceptance(String jobId, boolean created) {
    }

    /** The one way a request becomes a job, whatever brought it (inbox file, HTTP, batch). */
    public Acceptance acceptRequest(byte[] body, String source) {
        return acceptRequest(body, source, null);
    }

    private Acceptance acceptRequest(byte[] body, String source, java.nio.file.Path inbox) {
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

    /**
     * Why an inbox file is rejected, for inbox/.error/{@code <name>}.error.json (written by the inbox gate; the file
     * consumer then moves the file beside it). When the job was already stored ({@code jobId} set) only the
     * hand-over to the queue failed: the document stays queued and the next start runs it, which the message says.
     * Arguments come from the exchange, never spliced into an expression: a file name may hold any character.
     */
    public Problem rejection(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e,
                             @Header("CamelFileName") String fileName, @Header("CamelFileLength") Long length,
                             @Variable("jobId") String jobId) {
        Problem problem = jobId != null
                ? Problem.of(ErrorCode.TIMEOUT, "job " + jobId + " is stored as queued but the generation queue "
                        + "stayed full (" + e.getMessage() + "); it runs after the next start of serve, or raise "
                        + "generation.queue-size", Map.of("job_id", jobId))
                : length != null && length == 0
                ? Problem.of(ErrorCode.INVALID_REQUEST, "the file is empty; write a job request such as "
                        + "{\"task\": \"text-to-image-synthesis\", \"model_id\": ..., \"params\": {\"prompt\": ...}}",
                        Map.of("field", "$"))
                : problemOf(e);
        LOG.warn("inbox/{} rejected: {}", fileName.length() <= 80 ? fileName : fileName.substring(0, 80) + "...",
                problem.message());
        return problem;
    }

    static Problem problemOf(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof JsonValidationException v && !v.getErrors().isEmpty()) {
                return schemaProblem(v);
            }
            if (c instanceof JobException j) {
                return j.problem();
            }
            if (c instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
                return Problem.of(ErrorCode.INVALID_REQUEST, "the file is not valid JSON: " + j.getOriginalMessage()
                        + dev.toploras.core.Json.where(j), Map.of("field", "$"));
            }
        }
        return Problem.of(ErrorCode.INVALID_REQUEST, "the request could not be read: " + e.getMessage(),
                Map.of("field", "$"));
    }


    private static Problem schemaProblem(JsonValidationException v) {
        List<ValidationMessage> errors = v.getErrors().stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage)).toList();
        ValidationMessage first = errors.get(0);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field(first));
        details.put("schema", "schemas/job-request.schema.json");
        details.put("errors", errors.stream().map(ValidationMessage::getMessage).toList());
        return Problem.of(ErrorCode.INVALID_REQUEST, "the job request does not match its schema: "
                + first.getMessage(), details);
    }

    /** The JSON path of the offending field; for an unknown or missing field, that field itself. */
    private static String field(ValidationMessage m) {
        String at = m.getInstanceLocation() == null ? "$" : m.getInstanceLocation().toString();
        return m.getProperty() == null ? at : at + "." + m.getProperty();
    }
}
