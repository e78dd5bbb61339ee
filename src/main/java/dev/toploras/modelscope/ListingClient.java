package dev.toploras.modelscope;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * {@code PUT {base}/api/v1/dolphin/models}: the only code that knows the listing request's field names. It sends
 * no credentials (the listing is public). It returns the raw page; {@link ListingPage} reads it.
 */
public final class ListingClient {
    private final UpstreamHttp http;
    private final ObjectMapper json;
    private final URI endpoint;

    public ListingClient(UpstreamHttp http, ObjectMapper json, String baseUrl) {
        this.http = http;
        this.json = json;
        this.endpoint = URI.create(stripSlash(baseUrl) + "/api/v1/dolphin/models");
    }

    public URI endpoint() {
        return endpoint;
    }

    public byte[] fetchPage(ListingQuery query) {
        HttpRequest request = http.request(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body(query)))
                .build();
        String what = "ModelScope listing " + endpoint + " (page " + query.pageNumber() + ")";
        HttpResponse<byte[]> reply = http.send(request, what);
        if (reply.statusCode() / 100 != 2) {
            throw UpstreamException.forStatus(reply.statusCode(), what);
        }
        return reply.body();
    }

    byte[] body(ListingQuery q) {
        ObjectNode body = json.createObjectNode();
        body.put("PageSize", q.pageSize());
        body.put("PageNumber", q.pageNumber());
        body.put("SortBy", q.sortBy());
        body.put("Target", "");
        body.put("Name", "");
        ArrayNode criterion = body.putArray("Criterion");
        ObjectNode tasks = criterion.addObject();
        tasks.put("category", "tasks");
        tasks.put("predicate", "contains");
        tasks.putArray("values").add(q.task());
        tasks.putArray("sub_values");
        ArrayNode single = body.putArray("SingleCriterion");
        ObjectNode lora = single.addObject();
        lora.put("category", "aigc_type");
        lora.put("DateType", "string");
        lora.put("predicate", "equal");
        lora.put("StringValue", "LoRA");
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and ints always serialises", e);
        }
    }

    static String stripSlash(String url) {
        String u = url == null ? "" : url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("modelscope.base-url must be an http(s) URL, got '" + url + "'");
        }
        return u;
    }
}
