package dev.toploras.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.toploras.history.Trend;
import java.time.Instant;
import java.util.List;

/**
 * One leaderboard entry as the cache stores it (snake_case on disk). Every field is always written: a null means
 * "not known" (ModelScope sent none, no cover could be stored), never a missing key, so readers see one shape.
 *
 * <p>The history fields (rank .. is_new) are always written; their nulls mean "not known", never zero:
 * {@code rank_change}, {@code downloads_delta} and {@code likes_delta} are null when the record was not in the
 * previous snapshot (rank_change also when that snapshot was in another order), {@code downloads_per_day} when no
 * snapshot inside history.window (and at least an hour old) holds it. They are all null in a cache written without the catalog-trends step.
 *
 * <p>{@code weight_file}: the revision and file the local backends download (null when the listing names none).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LoraRecord(
        String id,
        String titleCn,
        String titleEn,
        String author,
        String avatar,
        String coverUrl,
        String coverLocal,
        long downloads,
        long likes,
        String license,
        List<String> tagsCn,
        List<String> tagsEn,
        List<String> baseModels,
        String visionFoundation,
        List<String> triggerWords,
        Instant updatedAt,
        String modelscopeUrl,
        Integer rank,
        Integer rankChange,
        Long downloadsDelta,
        Long likesDelta,
        Double downloadsPerDay,
        Instant firstSeenAt,
        @JsonProperty("is_new") Boolean isNew,
        Boolean needsImage,
        WeightFile weightFile) {

    /** A record as ModelScope lists it, before history is known. */
    public LoraRecord(String id, String titleCn, String titleEn, String author, String avatar, String coverUrl,
                      String coverLocal, long downloads, long likes, String license, List<String> tagsCn,
                      List<String> tagsEn, List<String> baseModels, String visionFoundation, List<String> triggerWords,
                      Instant updatedAt, String modelscopeUrl) {
        this(id, titleCn, titleEn, author, avatar, coverUrl, coverLocal, downloads, likes, license, tagsCn, tagsEn,
                baseModels, visionFoundation, triggerWords, updatedAt, modelscopeUrl, null, null, null, null, null,
                null, null, false, null);
    }

    public LoraRecord {
        needsImage = needsImage != null && needsImage;
        tagsCn = tagsCn == null ? List.of() : List.copyOf(tagsCn);
        tagsEn = tagsEn == null ? List.of() : List.copyOf(tagsEn);
        baseModels = baseModels == null ? List.of() : List.copyOf(baseModels);
        triggerWords = triggerWords == null ? List.of() : List.copyOf(triggerWords);
    }

    public LoraRecord withNeedsImage(boolean needs) {
        return new LoraRecord(id, titleCn, titleEn, author, avatar, coverUrl, coverLocal, downloads, likes, license,
                tagsCn, tagsEn, baseModels, visionFoundation, triggerWords, updatedAt, modelscopeUrl, rank, rankChange,
                downloadsDelta, likesDelta, downloadsPerDay, firstSeenAt, isNew, needs, weightFile);
    }

    /** The record with its weight file as the listing names it (revision, path, size), or null when not known. */
    public LoraRecord withWeightFile(WeightFile w) {
        return new LoraRecord(id, titleCn, titleEn, author, avatar, coverUrl, coverLocal, downloads, likes, license,
                tagsCn, tagsEn, baseModels, visionFoundation, triggerWords, updatedAt, modelscopeUrl, rank, rankChange,
                downloadsDelta, likesDelta, downloadsPerDay, firstSeenAt, isNew, needsImage,
                w == null || w.namesNothing() ? null : w);
    }

    public LoraRecord withCoverLocal(String path) {
        return new LoraRecord(id, titleCn, titleEn, author, avatar, coverUrl, path, downloads, likes, license,
                tagsCn, tagsEn, baseModels, visionFoundation, triggerWords, updatedAt, modelscopeUrl, rank, rankChange,
                downloadsDelta, likesDelta, downloadsPerDay, firstSeenAt, isNew, needsImage, weightFile);
    }

    public LoraRecord withTrend(Trend t) {
        return new LoraRecord(id, titleCn, titleEn, author, avatar, coverUrl, coverLocal, downloads, likes, license,
                tagsCn, tagsEn, baseModels, visionFoundation, triggerWords, updatedAt, modelscopeUrl, t.rank(),
                t.rankChange(), t.downloadsDelta(), t.likesDelta(), t.downloadsPerDay(), t.firstSeenAt(), t.isNew(),
                needsImage, weightFile);
    }
}
