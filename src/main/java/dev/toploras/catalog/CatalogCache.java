package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The leaderboard files: read them back, judge their freshness, replace them atomically. */
public final class CatalogCache {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogCache.class);
    private final ObjectMapper json;
    private final boolean warnUnreadable;

    public CatalogCache(ObjectMapper json) {
        this(json, true);
    }

    private CatalogCache(ObjectMapper json, boolean warnUnreadable) {
        this.json = json;
        this.warnUnreadable = warnUnreadable;
    }

    /** One that takes an unreadable file for none without a warning: for a look ahead the route then repeats. */
    public static CatalogCache quiet(ObjectMapper json) {
        return new CatalogCache(json, false);
    }

    /** The cache as stored, or empty when there is none or it cannot be read (it is then rebuilt, not trusted). */
    public Optional<CacheDocument> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), CacheDocument.class));
        } catch (IOException e) {
            if (warnUnreadable) {
                LOG.warn("ignoring unreadable cache {}: {}", file, e.getMessage());
            }
            return Optional.empty();
        }
    }

    /**
     * Fresh: written within the TTL for the same order, for at least as many records as asked for (its first N are
     * then the top N). Trending is the exception: it re-orders the top N by downloads, so the top 10 of a trending 20
     * are not a trending 10, and only the same limit answers.
     */
    public static boolean isFresh(CacheDocument doc, Duration ttl, Instant now, CatalogSort sort, int limit) {
        return doc.cachedAt() != null
                && !doc.cachedAt().plus(ttl).isBefore(now)
                && sort.wire().equals(doc.sort())
                && (sort.byVelocity() ? doc.limit() == limit : doc.limit() >= limit);
    }

    /** What a fresh cache answers for {@code limit}: its first {@code limit} records, never more than asked. */
    public static CacheDocument topOf(CacheDocument doc, int limit) {
        if (doc.results().size() <= limit && doc.limit() <= limit) {
            return doc;
        }
        return new CacheDocument(doc.cachedAt(), doc.task(), doc.sort(), limit,
                doc.results().subList(0, Math.min(limit, doc.results().size())));
    }

    public void write(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }
}
