package dev.toploras.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects records as pages arrive: one entry per id (the larger download count wins), then sorted and cut. */
public final class Leaderboard {
    private final Map<String, LoraRecord> byId = new LinkedHashMap<>();

    public synchronized void add(LoraRecord r) {
        byId.merge(r.id(), r, (old, neu) -> neu.downloads() > old.downloads() ? neu : old);
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized List<LoraRecord> top(CatalogSort sort, int limit) {
        List<LoraRecord> all = new ArrayList<>(byId.values());
        Comparator<LoraRecord> order = sort.order();
        if (order != null) {
            all.sort(order);
        }
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }
}
