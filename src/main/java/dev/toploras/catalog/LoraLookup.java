package dev.toploras.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A LoRA's record from the cached leaderboards (every cache/top_loras*.json), for what a job must know about its
 * LoRAs: their base models and whether they need an image. A LoRA no cache holds is simply not known.
 */
public final class LoraLookup {
    private final Path cacheDir;
    private final CatalogCache cache;

    public LoraLookup(Path cacheDir, CatalogCache cache) {
        this.cacheDir = cacheDir;
        this.cache = cache;
    }

    public Optional<LoraRecord> find(String id) {
        if (!Files.isDirectory(cacheDir)) {
            return Optional.empty();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(cacheDir)) {
            files = s.filter(p -> CacheFiles.isLeaderboard(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (Path f : files) {
            Optional<LoraRecord> r = cache.read(f).stream().flatMap(d -> d.results().stream())
                    .filter(rec -> rec.id().equals(id)).findFirst();
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }
}
