package dev.toploras.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The records the pages gave so far: one entry per id (the larger download count wins); sorted and cut by {@link #top}. */
public final class Leaderboard {
    static final Leaderboard EMPTY = new Leaderboard(Map.of());
    private final Map<String, LoraRecord> byId;

    private Leaderboard(Map<String, LoraRecord> byId) {
        this.byId = byId;
    }

    /** This board with the LoraRecords among {@code entries} added (anything else is not an entry). */
    public Leaderboard plus(Iterable<?> entries) {
        Map<String, LoraRecord> more = new LinkedHashMap<>(byId);
        for (Object o : entries) {
            if (o instanceof LoraRecord r) {
                more.merge(r.id(), r, (old, neu) -> neu.downloads() > old.downloads() ? neu : old);
            }
        }
        return new Leaderboard(Collections.unmodifiableMap(more));
    }

    public int size() {
        return byId.size();
    }

    public List<LoraRecord> top(CatalogSort sort, int limit) {
        List<LoraRecord> all = new ArrayList<>(byId.values());
        Comparator<LoraRecord> order = sort.order();
        if (order != null) {
            all.sort(order);
        }
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }
}
