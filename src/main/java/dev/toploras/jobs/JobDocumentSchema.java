package dev.toploras.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import dev.toploras.core.SchemaFile;
import java.util.List;
import java.util.stream.Collectors;

/**
 * schemas/job-document.schema.json, applied in Java because job documents are written from several steps (queued,
 * running, terminal), not at one route endpoint.
 */
public final class JobDocumentSchema {
    public static final String RESOURCE = "schemas/job-document.schema.json";
    private final SchemaFile schema = new SchemaFile(RESOURCE);

    /** Throws when the document breaks its schema: writing it would hand readers a file they cannot trust. */
    public void check(JsonNode doc) {
        List<ValidationMessage> errors = schema.errors(doc);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("job document " + doc.path("job_id").asText() + " breaks " + RESOURCE
                    + ": " + errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; ")));
        }
    }
}
