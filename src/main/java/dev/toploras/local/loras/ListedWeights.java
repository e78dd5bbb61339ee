package dev.toploras.local.loras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CacheFiles;
import dev.toploras.catalog.WeightFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The weight file the leaderboard's listing names for a LoRA (its record's {@code weight_file}: revision, path,
 * size), read from the cache files in the home's cache folder. A LoRA not on any leaderboard has none: its file is
 * then picked from the model-files listing at local.lora-revision, as before.
 */
public final class ListedWeights {
    private final Path cacheDir;
    private final ObjectMapper json;

    public ListedWeights(Path cacheDir, ObjectMapper json) {
        this.cacheDir = cacheDir;
        this.json = json;
    }

    /** The listed weight file of {@code modelId}, or null when no cache names one. */
    public WeightFile find(String modelId) {
        if (!Files.isDirectory(cacheDir)) {
            return null;
        }
        try (DirectoryStream<Path> caches = Files.newDirectoryStream(cacheDir,
                p -> CacheFiles.isLeaderboard(p.getFileName().toString()))) {
            for (Path cache : caches) {
                WeightFile w = find(cache, modelId);
                if (w != null) {
                    return w;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private WeightFile find(Path cache, String modelId) {
        try {
            for (JsonNode r : json.readTree(cache.toFile()).path("results")) {
                JsonNode w = r.path("weight_file");
                if (modelId.equals(r.path("id").asText()) && w.isObject()) {
                    WeightFile found = new WeightFile(text(w, "revision"), text(w, "path"),
                            w.path("size").canConvertToLong() ? w.path("size").asLong() : null);
                    return found.namesNothing() ? null : found;
                }
            }
        } catch (IOException e) {
            // a cache being replaced or unreadable names nothing; the listing is asked as for any other LoRA
        }
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
