package dev.toploras.api;

import dev.toploras.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keyset paging: every item has a sort key (a string that sorts in the wanted order); a cursor is the last key a
 * client saw, opaque to it. A page is "the next {@code limit} keys after the cursor", so items arriving before the
 * cursor's position never shift the pages a client is walking through.
 */
public final class Pager {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private Pager() {
    }

    public record Page<T>(List<T> items, String nextCursor, int total) {
    }

    /** {@code limit} is the query value as it came (text, a list when repeated, or null). */
    public static <T> Page<T> page(List<T> all, Function<T, String> sortKey, String cursor, Object limit) {
        int n = limit(limit);
        String after = decode(cursor);
        List<T> sorted = all.stream().sorted(Comparator.comparing(sortKey)).toList();
        List<T> rest = after == null ? sorted : sorted.stream().filter(t -> sortKey.apply(t).compareTo(after) > 0).toList();
        List<T> items = rest.subList(0, Math.min(n, rest.size()));
        String next = rest.size() > n ? encode(sortKey.apply(items.get(items.size() - 1))) : null;
        return new Page<>(List.copyOf(items), next, sorted.size());
    }

    public static int limit(Object limit) {
        Integer n = Queries.wholeNumber("limit", limit, 1, MAX_LIMIT);
        return n == null ? DEFAULT_LIMIT : n;
    }

    /** Sorts newest first: a larger number gives a smaller key. */
    public static String descending(long value) {
        return String.format("%019d", Long.MAX_VALUE - value);
    }

    public static String ascending(long value) {
        return String.format("%019d", value);
    }

    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("k1:" + key).getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
            if (raw.startsWith("k1:")) {
                return raw.substring(3);
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to the error below
        }
        throw new ApiException(ErrorCode.INVALID_REQUEST, "cursor is not one this API handed out; "
                + "start again without it", Map.of("field", "cursor"));
    }
}
