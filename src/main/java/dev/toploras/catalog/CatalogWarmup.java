package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.SchemaFile;
import dev.toploras.covers.ImageKind;
import dev.toploras.modelscope.ListingEnvelope;
import dev.toploras.modelscope.LoraNormalizer;
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

    private static final String[] PRELOAD = {
        "org.apache.camel.reifier.dataformat.DataFormatReifier",
        "org.apache.hc.client5.http.impl.classic.HttpClientBuilder",
        "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
        "org.apache.hc.client5.http.impl.classic.MainClientExec",
        "org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection",
        "org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection",
        "org.apache.hc.core5.http.impl.io.SessionInputBufferImpl",
        "org.apache.hc.core5.http.impl.io.ChunkedInputStream",
        "org.apache.hc.core5.http.impl.io.ContentLengthInputStream",
        "org.apache.hc.client5.http.classic.methods.HttpPut",
        "org.apache.hc.client5.http.classic.methods.HttpGet",
        "org.apache.camel.component.http.HttpProducer",
        "com.jayway.jsonpath.JsonPath",
    };

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
                // What the first listing call and its unmarshal step load: Apache HttpClient's classic client and
                // Camel's data format reifiers (their registry names every data format); loaded here, in parallel.
                ClassLoader cl = CatalogWarmup.class.getClassLoader();
                for (String name : PRELOAD) {
                    Class.forName(name, true, cl);
                }
            } catch (Exception | LinkageError e) {
                LOG.debug("warm-up skipped: {}", e.toString());
            }
        }, "catalog-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
