package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.core.Json;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cache's file names, written and read by one rule (README "What you get"). */
class CacheFilesTest {
    @Test
    void should_name_one_leaderboard_per_task_and_order_and_keep_the_plain_name_for_the_configured_order() {
        assertThat(CacheFiles.leaderboardName("text-to-image-synthesis", true, CatalogSort.DOWNLOADS,
                CatalogSort.DOWNLOADS)).isEqualTo("top_loras_text-to-image-synthesis.json");
        assertThat(CacheFiles.leaderboardName("text-to-image-synthesis", true, CatalogSort.LIKES,
                CatalogSort.DOWNLOADS)).isEqualTo("top_loras_text-to-image-synthesis.likes.json");
        assertThat(CacheFiles.leaderboardName("text-to-image-synthesis", false, CatalogSort.DOWNLOADS,
                CatalogSort.DOWNLOADS)).isEqualTo("top_loras.json");
        assertThat(CacheFiles.served(Path.of("cache"), "image-to-image", true))
                .isEqualTo(Path.of("cache", "top_loras_image-to-image.json"));
    }

    @Test
    void should_read_back_the_task_of_a_served_leaderboard_only() {
        assertThat(CacheFiles.taskOf("top_loras_image-to-image.json")).contains("image-to-image");
        assertThat(CacheFiles.taskOf("top_loras_image-to-image.likes.json")).isEmpty();
        assertThat(CacheFiles.taskOf("top_loras.json")).isEmpty();
        assertThat(CacheFiles.taskOf("top_loras_x.json.tmp")).isEqualTo(Optional.empty());
        assertThat(CacheFiles.isLeaderboard("top_loras.json")).isTrue();
        assertThat(CacheFiles.isLeaderboard("top_loras_a.likes.json")).isTrue();
        assertThat(CacheFiles.isLeaderboard("runs.json")).isFalse();
    }

    @Test
    void should_keep_each_orders_history_in_a_folder_of_its_own_beside_the_leaderboard() {
        Path cache = Path.of("home", "cache");
        Path plain = cache.resolve(CacheFiles.leaderboardName("t2i", true, CatalogSort.DOWNLOADS,
                CatalogSort.DOWNLOADS));
        Path liked = cache.resolve(CacheFiles.leaderboardName("t2i", true, CatalogSort.LIKES, CatalogSort.DOWNLOADS));
        assertThat(CacheFiles.history(plain, "t2i", Json.mapper()).dir())
                .isEqualTo(cache.toAbsolutePath().resolve("history").resolve("t2i"));
        assertThat(CacheFiles.history(liked, "t2i", Json.mapper()).dir())
                .isEqualTo(cache.toAbsolutePath().resolve("history").resolve("t2i.likes"));
    }
}
