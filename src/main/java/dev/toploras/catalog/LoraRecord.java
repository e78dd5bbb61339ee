package dev.toploras.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One leaderboard entry as the cache stores it (snake_case on disk). Optional text is left out when ModelScope
 * has none; {@code cover_local} is always written, null when no cover could be stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoraRecord(
        String id,
        String titleCn,
        String titleEn,
        String author,
        String avatar,
        String coverUrl,
        @JsonInclude(JsonInclude.Include.ALWAYS) String coverLocal,
        long downloads,
        long likes,
        String license,
        List<String> tagsCn,
        List<String> tagsEn,
        List<String> baseModels,
        String visionFoundation,
        List<String> triggerWords,
        Instant updatedAt,
        String modelscopeUrl) {

    public LoraRecord {
        tagsCn = tagsCn == null ? List.of() : List.copyOf(tagsCn);
        tagsEn = tagsEn == null ? List.of() : List.copyOf(tagsEn);
        baseModels = baseModels == null ? List.of() : List.copyOf(baseModels);
        triggerWords = triggerWords == null ? List.of() : List.copyOf(triggerWords);
    }

    public LoraRecord withCoverLocal(String path) {
        return new LoraRecord(id, titleCn, titleEn, author, avatar, coverUrl, path, downloads, likes, license,
                tagsCn, tagsEn, baseModels, visionFoundation, triggerWords, updatedAt, modelscopeUrl);
    }
}
