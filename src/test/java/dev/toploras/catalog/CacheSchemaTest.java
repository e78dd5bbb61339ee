package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.Json;
import dev.toploras.support.Schemas;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache contract (issue 11 item 8): every field is written and required; null where it can be unknown. */
class CacheSchemaTest {
    static final ObjectMapper JSON = Json.mapper();
    static final String SCHEMA = "/schemas/catalog-cache.schema.json";

    static LoraRecord bare() {
        return new LoraRecord("u/a", null, "a", null, null, null, null, 1, 0, null, List.of(), List.of(), List.of(),
                null, List.of(), null, "https://www.modelscope.cn/models/u/a");
    }

    static String document(LoraRecord r) throws Exception {
        return JSON.writeValueAsString(new CacheDocument(Instant.parse("2026-01-01T00:00:00Z"), "t", "downloads", 1,
                List.of(r)));
    }

    @Test
    void should_write_every_field_with_null_for_what_is_not_known() throws Exception {
        JsonNode record = JSON.readTree(document(bare())).at("/results/0");
        assertThat(record.has("cover_url")).isTrue();
        assertThat(record.get("cover_url").isNull()).isTrue();
        assertThat(record.get("updated_at").isNull()).isTrue();
        assertThat(Schemas.validate(SCHEMA, document(bare()))).isEmpty();
    }

    @Test
    void should_require_every_field_the_schema_describes() throws Exception {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream(SCHEMA)) {
            schema = JSON.readTree(in);
        }
        JsonNode lora = schema.at("/definitions/lora");
        List<String> properties = new ArrayList<>();
        lora.get("properties").fieldNames().forEachRemaining(properties::add);
        List<String> required = new ArrayList<>();
        lora.get("required").forEach(n -> required.add(n.asText()));
        assertThat(required).containsExactlyInAnyOrderElementsOf(properties);
        List<String> written = new ArrayList<>();
        JSON.readTree(document(bare())).at("/results/0").fieldNames().forEachRemaining(written::add);
        assertThat(written).containsExactlyInAnyOrderElementsOf(properties);
    }

    @Test
    void should_reject_a_record_that_leaves_a_field_out() throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(document(bare()));
        ((ObjectNode) doc.at("/results/0")).remove("cover_url");
        assertThat(Schemas.validate(SCHEMA, doc.toString())).isNotEmpty();
    }
}
