package dev.toploras.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ModelScope for {@code top-loras demo}: the listing API and API-Inference, answered on a loopback port by this
 * process, so the whole product runs with no network and no token. Everything it serves comes from the jar or is
 * drawn in memory: the listing is a real captured reply (src/main/resources/demo/dolphin-models-lora-page1.json, see
 * docs/demo.md), its cover URLs point back here, and each cover and output image is a labelled PNG. It never reads
 * a file from disk.
 *
 * <p>The shapes and rules are ModelScope's, as the fixtures' README describes them: the listing is {@code PUT} only
 * (GET answers 404), pages are 1-based; API-Inference wants {@code X-ModelScope-Async-Mode: true} (else the real 400
 * body), a Bearer token, at most 6 LoRAs whose weights sum to 1.0; submit answers {@code task_status SUCCEED} with a
 * task id (accepted, not done), a poll answers PROCESSING, then SUCCEED with {@code output_images}.
 */
public final class ModelScopeStandIn implements AutoCloseable {
    static final String LISTING_RESOURCE = "/demo/dolphin-models-lora-page1.json";
    private static final String LISTING_PATH = "/api/v1/dolphin/models";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService threads;
    private final String baseUrl;
    private final byte[] page;
    /** Cover file name (n-k.png) -> the model id drawn on it. */
    private final Map<String, String> coverLabels = new ConcurrentHashMap<>();
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    private record Task(JsonNode request, AtomicInteger polls) {
    }

    private ModelScopeStandIn(HttpServer server, ExecutorService threads) throws IOException {
        this.server = server;
        this.threads = threads;
        this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        this.page = listingPage();
        server.createContext("/", this::handle);
    }

    /** Starts on a free loopback port; nothing beyond this machine can reach it. */
    public static ModelScopeStandIn start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-modelscope-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        ModelScopeStandIn standIn = new ModelScopeStandIn(server, threads);
        server.start();
        return standIn;
    }

    /** Both modelscope.base-url and modelscope.inference-url. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The captured page with every cover URL pointing here and TotalCount telling the truth (one page). */
    private byte[] listingPage() throws IOException {
        JsonNode root;
        try (InputStream in = ModelScopeStandIn.class.getResourceAsStream(LISTING_RESOURCE)) {
            if (in == null) {
                throw new IOException("the jar lacks " + LISTING_RESOURCE);
            }
            root = json.readTree(in);
        }
        JsonNode models = root.path("Data").path("Model").path("Models");
        for (int i = 0; i < models.size(); i++) {
            JsonNode r = models.get(i);
            String id = r.path("Path").asText() + "/" + r.path("Name").asText();
            int k = 0;
            for (JsonNode version : r.path("MuseInfo").path("versions")) {
                for (JsonNode cover : version.path("coverImages")) {
                    if (cover instanceof ObjectNode o && o.has("url")) {
                        String name = i + "-" + k++ + ".png";
                        coverLabels.put(name, id);
                        o.put("url", baseUrl + "/covers/" + name);
                    }
                }
            }
        }
        ((ObjectNode) root.path("Data").path("Model")).put("TotalCount", models.size());
        return json.writeValueAsBytes(root);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals(LISTING_PATH) && method.equals("PUT")) {
                listing(ex);
            } else if (path.startsWith("/covers/") && method.equals("GET")) {
                String name = path.substring("/covers/".length());
                String id = coverLabels.get(name);
                if (id == null) {
                    send(ex, 404, "text/plain", "no such cover".getBytes(StandardCharsets.UTF_8));
                } else {
                    send(ex, 200, "image/png", LabelledPng.draw(512, 512, id.hashCode(), List.of(
                            "DEMO COVER", id, "drawn by the ModelScope stand-in", "(not the model's real cover)")));
                }
            } else if (path.equals("/v1/images/generations") && method.equals("POST")) {
                submit(ex);
            } else if (path.startsWith("/v1/tasks/") && method.equals("GET")) {
                poll(ex, path.substring("/v1/tasks/".length()));
            } else if (path.startsWith("/outputs/") && path.endsWith(".png") && method.equals("GET")) {
                output(ex, path.substring("/outputs/".length(), path.length() - ".png".length()));
            } else {
                error(ex, 404, "Not Found: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            error(ex, 500, "stand-in failure: " + e.getMessage());
        }
    }

    private void listing(HttpExchange ex) throws IOException {
        JsonNode query = json.readTree(ex.getRequestBody().readAllBytes());
        if (query.path("PageNumber").asInt(1) == 1) {
            send(ex, 200, "application/json", page);
            return;
        }
        ObjectNode empty = json.createObjectNode();
        empty.put("Code", 200).put("Success", true).put("Message", "success").put("RequestId", UUID.randomUUID().toString());
        ObjectNode model = empty.putObject("Data").putObject("Model");
        model.putArray("Models");
        model.put("TotalCount", json.readTree(page).path("Data").path("Model").path("Models").size());
        send(ex, 200, "application/json", json.writeValueAsBytes(empty));
    }

    private void submit(HttpExchange ex) throws IOException {
        if (!"true".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-ModelScope-Async-Mode"))) {
            // the captured reply (fixtures: error_400_sync_not_supported.json)
            error(ex, 400, "image-gen task currently does not support synchronous calls. Please refer to the "
                    + "documentation and set header X-ModelScope-Async-Mode=true to switch to asynchronous calling mode");
            return;
        }
        if (!bearer(ex)) {
            return;
        }
        JsonNode req = json.readTree(ex.getRequestBody().readAllBytes());
        String refused = lorasRefused(req.path("loras"));
        if (refused != null) {
            error(ex, 400, refused);
            return;
        }
        String id = UUID.randomUUID().toString();
        tasks.put(id, new Task(req, new AtomicInteger()));
        ObjectNode reply = json.createObjectNode();
        reply.put("task_status", "SUCCEED").put("task_id", id).put("request_id", UUID.randomUUID().toString());
        send(ex, 200, "application/json", json.writeValueAsBytes(reply));
    }

    /** ModelScope's rule for {@code loras}: one repo id, or at most 6 {id: weight} whose weights sum to 1.0. */
    static String lorasRefused(JsonNode loras) {
        if (loras.isMissingNode() || loras.isNull() || loras.isTextual()) {
            return null;
        }
        if (!loras.isObject() || loras.size() > 6) {
            return "loras: at most 6 LoRAs, as {\"<repo id>\": weight}";
        }
        double sum = 0;
        for (JsonNode w : (Iterable<JsonNode>) loras::elements) {
            sum += w.asDouble();
        }
        return Math.abs(sum - 1.0) > 1e-6 ? "loras: the weights must sum to 1.0, got " + sum : null;
    }

    private void poll(HttpExchange ex, String id) throws IOException {
        if (!bearer(ex)) {
            return;
        }
        Task task = tasks.get(id);
        if (task == null) {
            error(ex, 404, "task " + id + " not found");
            return;
        }
        ObjectNode reply = json.createObjectNode();
        reply.put("request_id", UUID.randomUUID().toString()).put("task_id", id);
        if (task.polls().getAndIncrement() == 0) {
            reply.put("task_status", "PROCESSING");
            reply.putObject("outputs");
        } else {
            reply.put("task_status", "SUCCEED");
            reply.putArray("output_images").add(baseUrl + "/outputs/" + id + ".png");
        }
        send(ex, 200, "application/json", json.writeValueAsBytes(reply));
    }

    private void output(HttpExchange ex, String id) throws IOException {
        Task task = tasks.get(id);
        if (task == null) {
            send(ex, 404, "text/plain", "no such image".getBytes(StandardCharsets.UTF_8));
            return;
        }
        JsonNode req = task.request();
        int[] size = size(req.path("size").asText(""));
        List<String> lines = new ArrayList<>(List.of("DEMO IMAGE", "API-Inference stand-in: not a model output",
                "model: " + req.path("model").asText()));
        JsonNode loras = req.path("loras");
        if (loras.isTextual()) {
            lines.add("lora: " + loras.asText());
        } else {
            loras.fields().forEachRemaining(e -> lines.add("lora: " + e.getKey() + " x" + e.getValue().asText()));
        }
        if (req.has("seed")) {
            lines.add("seed " + req.path("seed").asText());
        }
        lines.add("prompt: " + req.path("prompt").asText());
        send(ex, 200, "image/png", LabelledPng.draw(size[0], size[1], req.path("prompt").asText().hashCode(), lines));
    }

    /** The requested size, kept small: the picture is a label, not a render. */
    private static int[] size(String wxh) {
        String[] p = wxh.split("x");
        try {
            int w = Integer.parseInt(p[0]);
            int h = Integer.parseInt(p[1]);
            double scale = Math.min(1.0, 768.0 / Math.max(w, h));
            return new int[] {Math.max(64, (int) (w * scale)), Math.max(64, (int) (h * scale))};
        } catch (RuntimeException e) {
            return new int[] {512, 512};
        }
    }

    private boolean bearer(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= "Bearer ".length()) {
            error(ex, 401, "Authentication failed: no token");
            return false;
        }
        return true;
    }

    private void error(HttpExchange ex, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errors", Map.of("message", message));
        body.put("request_id", UUID.randomUUID().toString());
        send(ex, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
