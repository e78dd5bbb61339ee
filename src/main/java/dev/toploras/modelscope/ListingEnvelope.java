package dev.toploras.modelscope;

import java.util.List;
import java.util.Map;

/**
 * ModelScope's listing envelope, read from the unmarshalled reply (a Map in ModelScope's own field names). Errors
 * come as HTTP 200 with {@code Success:false} or without {@code Data}; this is the one place that knows.
 */
public final class ListingEnvelope {
    private ListingEnvelope() {
    }

    /** Throws {@link UpstreamRejectedException} unless the reply holds {@code Data.Model.Models}; never retried. */
    public static void check(Object reply) {
        if (!(reply instanceof Map<?, ?> root)) {
            throw rejected("the reply is not a JSON object");
        }
        Object code = root.get("Code");
        Object message = root.get("Message");
        if (Boolean.FALSE.equals(root.get("Success"))) {
            throw rejected("Success:false, Code " + code + ", Message '" + message + "'");
        }
        if (models(root) == null) {
            throw rejected("the reply has no Data.Model.Models (Code " + code + ", Message '" + message + "')");
        }
    }

    /** The page's records; the route splits them with jsonpath, this is for code that needs them as a list. */
    public static List<?> models(Object reply) {
        Object model = path(reply, "Data", "Model");
        return model instanceof Map<?, ?> m && m.get("Models") instanceof List<?> list ? list : null;
    }

    /** ModelScope's total for the query, or -1 when it did not say (it sends a number or a numeric string). */
    public static long totalCount(Object reply) {
        Object model = path(reply, "Data", "Model");
        Object total = model instanceof Map<?, ?> m ? m.get("TotalCount") : null;
        if (total instanceof Number n) {
            return n.longValue();
        }
        return total instanceof String s ? Numbers.parseLong(s, -1) : -1;
    }

    /** The last page: it came back empty, or it reaches the total ModelScope reported. */
    public static boolean isLastPage(Object reply, int pageNumber, int pageSize) {
        List<?> models = models(reply);
        if (models == null || models.isEmpty()) {
            return true;
        }
        long total = totalCount(reply);
        return total >= 0 && (long) pageNumber * pageSize >= total;
    }

    private static Object path(Object node, String... names) {
        Object at = node;
        for (String n : names) {
            at = at instanceof Map<?, ?> m ? m.get(n) : null;
        }
        return at;
    }

    private static UpstreamRejectedException rejected(String why) {
        return new UpstreamRejectedException("ModelScope listing returned an error: " + why, 200);
    }
}
