package dev.toploras.inbox;

import com.networknt.schema.ValidationMessage;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.generation.JobIntake;
import dev.toploras.jobs.JobException;
import java.nio.file.Path;
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
 * The inbox steps of routes/inbox.camel.yaml (bound as {@code jobIntake}, the name users' copies of that file call):
 * a request that passed the schema goes through the shared {@link JobIntake}; a rejected file gets
 * {@code <name>.error.json} in inbox/.error/.
 */
public final class InboxIntake {
    private static final Logger LOG = LoggerFactory.getLogger(InboxIntake.class);
    private final JobIntake intake;
    private final Path inbox;

    public InboxIntake(JobIntake intake, Path inbox) {
        this.intake = intake;
        this.inbox = inbox;
    }

    /**
     * Returns the new job's id, or null when the same job_id or idempotency_key was accepted before. The images the
     * job names beside it in the inbox leave the inbox with it (to .done/), once the job is stored.
     */
    public String accept(byte[] body, @Header("CamelFileName") String fileName) {
        JobIntake.Acceptance a = intake.acceptRequest(body, "inbox/" + fileName, inbox);
        return a.created() ? a.jobId() : null;
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
