package dev.toploras.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * schemas/job-document.schema.json, applied in Java because job documents are written from several steps (queued,
 * running, terminal), not at one route endpoint. Same validator library as camel-json-validator.
 */
public final class JobDocumentSchema {
    public static final String RESOURCE = "schemas/job-document.schema.json";
    private final JsonSchema schema;

    public JobDocumentSchema() {
        try (InputStream in = JobDocumentSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws when the document breaks its schema: writing it would hand readers a file they cannot trust. */
    public void check(JsonNode doc) {
        Set<ValidationMessage> errors = schema.validate(doc);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("job document " + doc.path("job_id").asText() + " breaks " + RESOURCE
                    + ": " + errors.stream().map(ValidationMessage::getMessage).sorted()
                    .collect(Collectors.joining("; ")));
        }
    }
}
