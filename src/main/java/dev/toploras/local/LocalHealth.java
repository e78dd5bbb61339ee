package dev.toploras.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * The "local" section of /api/health: which local backend is configured, whether it answers and the LoRAs it
 * already has. The probe is a route of the backend's file (local-comfyui-probe, local-a1111-probe) so its call is
 * a camel-http step like every other; its answer is kept a few seconds so a busy page does not hammer the backend.
 */
public final class LocalHealth {
    private static final Duration KEEP = Duration.ofSeconds(5);
    private final CamelContext ctx;
    private final ObjectMapper json;
    private final String backend;
    private final String url;
    private ProducerTemplate template;
    private Map<String, Object> last;
    private long lastAt;

    public LocalHealth(CamelContext ctx, ObjectMapper json, String backend, String url) {
        this.ctx = ctx;
        this.json = json;
        this.backend = backend;
        this.url = url;
    }

    public synchronized Map<String, Object> section() {
        if (last != null && System.nanoTime() - lastAt < KEEP.toNanos()) {
            return last;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        if (url != null) {
            m.put("url", url);
            m.putAll(probe());
        }
        last = m;
        lastAt = System.nanoTime();
        return m;
    }

    private Map<String, Object> probe() {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            if (template == null) {
                template = ctx.createProducerTemplate();
            }
            byte[] reply = template.requestBody("direct:local-" + backend + "-probe", "", byte[].class);
            m.put("reachable", true);
            m.put("loras", names(json.readTree(reply)));
        } catch (Exception e) {
            m.put("reachable", false);
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            m.put("error", root.getClass().getSimpleName() + ": " + root.getMessage());
        }
        return m;
    }

    /** ComfyUI lists file names; A1111 objects with a name. */
    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(n.isTextual() ? n.asText() : n.path("name").asText());
        }
        return out;
    }
}
