package dev.toploras.api;

import dev.toploras.runs.RunDocument;
import dev.toploras.runs.RunItem;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunState;
import dev.toploras.runs.RunStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Header;

/** /api/v1/runs: run history, newest first, each run's items and each item's event trail. */
public final class RunsApi {
    private final RunStore runs;
    private final java.util.function.Consumer<String> followJobs;

    /** {@code followJobs} brings a running batch run up to date with its jobs before it is read. */
    public RunsApi(RunStore runs, java.util.function.Consumer<String> followJobs) {
        this.runs = runs;
        this.followJobs = followJobs;
    }

    private void follow(String runId) {
        if (runId != null) {
            followJobs.accept(runId);
        }
    }

    public ApiReply list(@Header("state") String state, @Header("kind") String kind, @Header("q") String q,
                         @Header("limit") Object limit, @Header("cursor") String cursor) {
        String st = state == null || state.isBlank() ? null : parse(() -> RunState.parse(state.trim()).wire(), "state");
        String kd = kind == null || kind.isBlank() ? null : parse(() -> RunKind.parse(kind.trim()).wire(), "kind");
        String needle = q == null || q.isBlank() ? null : q.trim().toLowerCase(Locale.ROOT);
        List<RunDocument> all = runs.list();
        List<RunDocument> running = all.stream().filter(r -> "running".equals(r.state())).toList();
        if (!running.isEmpty()) {
            running.forEach(r -> follow(r.runId()));
            all = runs.list(); // a followed batch may just have ended
        }
        List<RunDocument> matching = all.stream()
                .filter(r -> st == null || st.equals(r.state()))
                .filter(r -> kd == null || kd.equals(r.kind()))
                .filter(r -> needle == null || (r.runId() + " " + r.params().values()).toLowerCase(Locale.ROOT)
                        .contains(needle))
                .toList();
        Pager.Page<RunDocument> page = Pager.page(matching,
                r -> Pager.descending(r.createdAt().toEpochMilli()) + "|" + r.runId(),
                cursor, limit);
        return ApiReply.ok(pageBody("runs", page));
    }

    public ApiReply get(@Header("run_id") String runId) {
        follow(runId);
        return ApiReply.ok(runs.get(runId).orElseThrow(() -> ApiException.notFound("run " + runId)));
    }

    public ApiReply items(@Header("run_id") String runId, @Header("stage") String stage,
                          @Header("has_warning") String hasWarning, @Header("q") String q,
                          @Header("limit") Object limit, @Header("cursor") String cursor) {
        runs.get(runId).orElseThrow(() -> ApiException.notFound("run " + runId));
        follow(runId);
        Boolean warned = hasWarning == null || hasWarning.isBlank() ? null : parse(() -> bool(hasWarning), "has_warning");
        String needle = q == null || q.isBlank() ? null : q.trim().toLowerCase(Locale.ROOT);
        List<RunItem> all = runs.items(runId);
        List<Indexed> matching = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            RunItem it = all.get(i);
            if ((stage == null || stage.isBlank() || stage.trim().equals(it.stage()))
                    && (warned == null || warned == it.hasWarning())
                    && (needle == null || (it.itemId() + " " + it.label()).toLowerCase(Locale.ROOT).contains(needle))) {
                matching.add(new Indexed(i, it));
            }
        }
        Pager.Page<Indexed> page = Pager.page(matching, x -> Pager.ascending(x.index()), cursor, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run_id", runId);
        body.put("items", page.items().stream().map(x -> itemBody(x.item())).toList());
        body.put("total", page.total());
        body.put("next_cursor", page.nextCursor());
        return ApiReply.ok(body);
    }

    public ApiReply item(@Header("run_id") String runId, @Header("item_id") String itemId) {
        follow(runId);
        RunItem it = runs.items(runId).stream().filter(i -> i.itemId().equals(itemId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("item " + itemId + " of run " + runId));
        Map<String, Object> body = itemBody(it);
        body.put("events", runs.events(runId, itemId));
        return ApiReply.ok(body);
    }

    private record Indexed(int index, RunItem item) {
    }

    private static Map<String, Object> itemBody(RunItem it) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("item_id", it.itemId());
        m.put("run_id", it.runId());
        m.put("label", it.label());
        m.put("stage", it.stage());
        m.put("has_warning", it.hasWarning());
        m.put("warnings", it.warnings());
        m.put("error", it.error());
        m.put("updated_at", it.updatedAt());
        return m;
    }

    static <T> Map<String, Object> pageBody(String name, Pager.Page<T> page) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, page.items());
        body.put("total", page.total());
        body.put("next_cursor", page.nextCursor());
        return body;
    }

    private static boolean bool(String s) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("has_warning must be true or false, got '" + s + "'");
    }

    private static <T> T parse(java.util.function.Supplier<T> f, String field) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }
}
