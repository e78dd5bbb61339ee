package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.storage.AtomicFiles;
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

    /** Fresh: written within the TTL for the same order, with at least as many records as asked for. */
    public static boolean isFresh(CacheDocument doc, Duration ttl, Instant now, CatalogSort sort, int limit) {
        return doc.cachedAt() != null
                && !doc.cachedAt().plus(ttl).isBefore(now)
                && sort.wire().equals(doc.sort())
                && doc.limit() >= limit;
    }

    public void write(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }
}
