package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.covers.ImageKind;
import dev.toploras.modelscope.ListingEnvelope;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.storage.SchemaFile;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot `fetch` spends much of its time loading classes the first time each step runs (the listing parser,
 * the normaliser, Jackson's writers, the JSON Schema validator). This runs each of them once on a synthetic record,
 * on a background thread while Camel is still starting, so the refresh itself meets warm code. It touches no file
 * and no network; if it fails, nothing is lost but time.
 */
public final class CatalogWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogWarmup.class);
    private static final String PAGE = "{\"Data\":{\"Model\":{\"Models\":[{\"Path\":\"warm\",\"Name\":\"up\","
            + "\"AigcType\":\"LoRA\",\"Downloads\":\"1\",\"Stars\":1,\"LastUpdatedTime\":1760696097,"
            + "\"BaseModel\":[\"a/b@v1\"],\"Tags\":[\"x\"],\"OfficialTags\":[{\"Tag\":\"t\",\"ChineseName\":\"中\"}],"
            + "\"MuseInfo\":{\"model\":{\"modelType\":\"LoRA\"},\"versions\":[{\"coverImages\":[{\"url\":"
            + "\"https://example.invalid/c.png\"}],\"modelVersion\":{\"triggerWords\":\"[\\\"w\\\"]\"}}]}}],"
            + "\"TotalCount\":1}},\"Success\":true}";

    private CatalogWarmup() {
    }

    public static void start(ObjectMapper json, LoraNormalizer normalizer) {
        Thread t = new Thread(() -> {
            try {
                Map<?, ?> page = json.readValue(PAGE, Map.class);
                ListingEnvelope.check(page);
                Object raw = ListingEnvelope.models(page).get(0);
                LoraRecord r = json.convertValue(normalizer.toCacheRecord(raw), LoraRecord.class);
                CacheDocument doc = new CacheDocument(r.updatedAt(), "warm-up", "downloads", 1, java.util.List.of(r));
                String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
                new SchemaFile("schemas/catalog-cache.schema.json").errors(json.readTree(text));
                ImageKind.sniff(new byte[16], 16);
            } catch (Exception | LinkageError e) {
                LOG.debug("warm-up skipped: {}", e.toString());
            }
        }, "catalog-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
