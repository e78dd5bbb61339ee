package dev.toploras.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * A JSON Schema shipped in the jar, for checks made in Java rather than at a route's json-validator endpoint
 * (documents written from several steps, requests that arrive in a batch). Same validator library as
 * camel-json-validator.
 */
public final class SchemaFile {
    private final String resource;
    private final JsonSchema schema;

    public SchemaFile(String resource) {
        this.resource = resource;
        try (InputStream in = SchemaFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String resource() {
        return resource;
    }

    /** The violations, most readable first; empty when the document fits. */
    public List<ValidationMessage> errors(JsonNode doc) {
        return schema.validate(doc).stream().sorted(Comparator.comparing(ValidationMessage::getMessage)).toList();
    }
}
