package dev.toploras.support;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.Set;

/** Validates a written file against the schema shipped in the jar, independently of the route that wrote it. */
public final class Schemas {
    private Schemas() {
    }

    public static Set<ValidationMessage> validate(String schemaResource, String json) throws Exception {
        try (InputStream in = Schemas.class.getResourceAsStream(schemaResource)) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
            return schema.validate(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
        }
    }
}
