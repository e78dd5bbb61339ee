package dev.toploras.catalog;

import java.util.Comparator;
import java.util.Locale;

/** The leaderboard orders: how ModelScope is asked to sort, and how the collected records are sorted again. */
public enum CatalogSort {
    DOWNLOADS("DownloadsCount", Comparator.comparingLong(LoraRecord::downloads).reversed()
            .thenComparing(Comparator.comparingLong(LoraRecord::likes).reversed())),
    LIKES("StarsCount", Comparator.comparingLong(LoraRecord::likes).reversed()
            .thenComparing(Comparator.comparingLong(LoraRecord::downloads).reversed())),
    UPDATED("GmtModified", Comparator.comparing(LoraRecord::updatedAt,
            Comparator.nullsLast(Comparator.<java.time.Instant>naturalOrder().reversed()))),
    /** ModelScope's own order, kept as it came. */
    DEFAULT("Default", null),
    /**
     * Fastest downloads_per_day over history.window first. ModelScope cannot sort by it: the top N are fetched by
     * downloads, then re-ordered by velocity once history is known (the catalog-trends step).
     */
    TRENDING("DownloadsCount", DOWNLOADS.order);

    private final String upstreamSortBy;
    private final Comparator<LoraRecord> order;

    CatalogSort(String upstreamSortBy, Comparator<LoraRecord> order) {
        this.upstreamSortBy = upstreamSortBy;
        this.order = order;
    }

    public String upstreamSortBy() {
        return upstreamSortBy;
    }

    /** Null for DEFAULT: arrival order is the order. Ties fall back to the id so output is stable. */
    public Comparator<LoraRecord> order() {
        return order == null ? null : order.thenComparing(LoraRecord::id);
    }

    /** True when the final order is by download velocity, which only history can tell. */
    public boolean byVelocity() {
        return this == TRENDING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CatalogSort parse(String text) {
        for (CatalogSort s : values()) {
            if (s.wire().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new CatalogException("unknown sort '" + text + "': use one of downloads, likes, updated, default, trending");
    }
}
