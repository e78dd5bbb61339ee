package dev.toploras.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CacheDocument;
import dev.toploras.catalog.CacheFiles;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogRequest;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.catalog.CatalogSort;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Home;
import dev.toploras.core.SafeName;
import dev.toploras.errors.ErrorCode;
import dev.toploras.history.HistoryStore;
import dev.toploras.runs.RunDocument;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.camel.Header;

/**
 * /api/v1/models, /api/v1/models/{owner}/{name}/history and /api/v1/refresh: the leaderboard as the cache holds it,
 * one record's history, and refreshes as runs.
 */
public final class CatalogApi {
    private final Home home;
    private final CatalogSettings settings;
    private final CatalogCache cache;
    private final RunStore runs;
    private final ObjectMapper json;
    private final Clock clock;
    private final java.util.Set<String> knownTasks;

    public CatalogApi(Home home, CatalogSettings settings, CatalogCache cache, RunStore runs, ObjectMapper json,
                      Clock clock, java.util.Collection<String> knownTasks) {
        java.util.Set<String> known = new java.util.TreeSet<>(knownTasks);
        known.addAll(settings.tasks());
        this.knownTasks = java.util.Set.copyOf(known);
        this.home = home;
        this.json = json;
        this.settings = settings;
        this.cache = cache;
        this.runs = runs;
        this.clock = clock;
    }

    public ApiReply models(@Header("task") String task, @Header("q") String q, @Header("base_model") String baseModel,
                           @Header("tag") String tag, @Header("sort") String sort, @Header("limit") Object limit,
                           @Header("cursor") String cursor, @Header("needs_image") String needsImage) {
        Pager.limit(limit);
        Boolean wantImage = needsImage == null || needsImage.isBlank() ? null : switch (needsImage.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.invalid("needs_image", "needs_image is true or false, not '" + needsImage
                    + "'");
        }; // the query is checked before anything is looked up: a bad value is a 400, always
        String t = task == null || task.isBlank() ? settings.tasks().get(0) : task.trim();
        CacheDocument doc = cache.read(cacheFile(t)).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                "no leaderboard cached for task '" + t + "'; POST /api/v1/refresh?task=" + t + " builds it",
                Map.of("task", t, "available_tasks", cachedTasks())));
        CatalogSort order = sort == null || sort.isBlank() ? CatalogSort.DEFAULT : parseSort(sort);
        List<LoraRecord> results = doc.results();
        List<Indexed> matching = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            LoraRecord r = results.get(i);
            if (matches(r, q, baseModel, tag) && (wantImage == null || wantImage.equals(r.needsImage()))) {
                matching.add(new Indexed(i, r));
            }
        }
        Pager.Page<Indexed> page = Pager.page(matching, sortKey(order), cursor, limit);
        Duration age = Duration.between(doc.cachedAt(), clock.instant());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task", doc.task());
        body.put("_cached_at", doc.cachedAt());
        body.put("age_seconds", Math.max(0, age.getSeconds()));
        body.put("stale", age.compareTo(settings.ttl()) > 0);
        body.put("ttl_seconds", settings.ttl().getSeconds());
        body.put("available_tasks", cachedTasks());
        body.put("total", page.total());
        body.put("results", page.items().stream().map(x -> withCoverUrl(x.record())).toList());
        body.put("next_cursor", page.nextCursor());
        return ApiReply.ok(body);
    }

    /**
     * One record's series, oldest first, from the task's snapshots. A model id is {@code owner/name}; the path carries
     * it as two segments ({@code /models/owner/name/history}), as ModelScope's own URLs do, so nothing needs %2F.
     */
    public ApiReply history(@Header("owner") String owner, @Header("name") String name, @Header("task") String task) {
        String t = task == null || task.isBlank() ? settings.tasks().get(0) : task.trim();
        String id = owner + "/" + name;
        List<HistoryStore.Point> series = CacheFiles.history(cacheFile(t), t, json).series(id);
        if (series.isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND, "no history of '" + id + "' for task '" + t + "'",
                    Map.of("id", id, "task", t));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("task", t);
        body.put("series", series);
        return ApiReply.ok(body);
    }

    /** A forced refresh as a run; 409 while one for the same task is still running. */
    public synchronized CatalogRequest refreshRequest(@Header("task") String task) {
        String t = task == null || task.isBlank() ? settings.tasks().get(0) : task.trim();
        if (!knownTasks.contains(t)) {
            // A refresh writes a cache file per task: unknown names would each leave one behind.
            throw new ApiException(ErrorCode.INVALID_REQUEST, "unknown task '" + (t.length() <= 80 ? t
                    : t.substring(0, 80) + "...") + "'; known tasks: " + new java.util.TreeSet<>(knownTasks)
                    + " (api.known-tasks and catalog.tasks)", Map.of("field", "task", "known_tasks",
                    new java.util.TreeSet<>(knownTasks)));
        }
        SafeName.task(t);
        for (RunDocument r : runs.list()) {
            if ("running".equals(r.state()) && RunKind.REFRESH.wire().equals(r.kind()) && t.equals(r.params().get("task"))) {
                throw ApiException.conflict("a refresh of '" + t + "' is already running",
                        Map.of("run_id", r.runId()));
            }
        }
        // The run exists before this call returns (the refresh itself starts in the background and takes it over),
        // so a second request for the task sees it and gets 409, however quickly it follows.
        CatalogRequest req = CatalogRequest.of(t).forced();
        String runId;
        try {
            runId = runs.start(RunKind.REFRESH, Map.of("task", t, "limit", settings.limit(), "sort",
                    settings.sort().wire()), null).runId();
        } catch (dev.toploras.runs.RefreshBusyException busy) {
            // started since the look above (the start-up refresh, the schedule, another process): the lock says so
            throw ApiException.conflict("a refresh of '" + t + "' is already running", busy.runId() == null
                    ? Map.of() : Map.of("run_id", busy.runId()));
        }
        return req.withRunId(runId);
    }

    public ApiReply refreshAccepted(CatalogRequest req) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run_id", req.runId());
        body.put("state", "running");
        body.put("task", req.task());
        return new ApiReply(202, body, Map.of("Location", "/api/v1/runs/" + req.runId()));
    }

    private record Indexed(int index, LoraRecord record) {
    }

    private static Function<Indexed, String> sortKey(CatalogSort order) {
        return switch (order) {
            case DOWNLOADS -> x -> Pager.descending(x.record().downloads()) + "|" + x.record().id();
            case LIKES -> x -> Pager.descending(x.record().likes()) + "|" + x.record().id();
            case UPDATED -> x -> Pager.descending(x.record().updatedAt() == null ? 0
                    : x.record().updatedAt().toEpochMilli()) + "|" + x.record().id();
            case DEFAULT -> x -> Pager.ascending(x.index());
            // Unknown velocity last; offset so negative velocities (downloads can be corrected down) still sort.
            case TRENDING -> x -> (x.record().downloadsPerDay() == null ? "1" : "0" + Pager.descending(
                    Math.round(x.record().downloadsPerDay() * 100) + Long.MAX_VALUE / 2))
                    + "|" + Pager.descending(x.record().downloads()) + "|" + x.record().id();
        };
    }

    private static CatalogSort parseSort(String sort) {
        try {
            return CatalogSort.parse(sort);
        } catch (RuntimeException e) {
            throw ApiException.invalid("sort", e.getMessage());
        }
    }

    static boolean matches(LoraRecord r, String q, String baseModel, String tag) {
        if (q != null && !q.isBlank()) {
            String needle = q.trim().toLowerCase(Locale.ROOT);
            List<String> hay = new ArrayList<>(List.of(r.id()));
            Stream.of(r.titleCn(), r.titleEn(), r.author()).filter(s -> s != null).forEach(hay::add);
            hay.addAll(r.tagsCn());
            hay.addAll(r.tagsEn());
            hay.addAll(r.triggerWords());
            if (hay.stream().noneMatch(h -> h.toLowerCase(Locale.ROOT).contains(needle))) {
                return false;
            }
        }
        if (baseModel != null && !baseModel.isBlank()
                && r.baseModels().stream().noneMatch(b -> b.equalsIgnoreCase(baseModel.trim()))
                && !baseModel.trim().equalsIgnoreCase(r.visionFoundation())) {
            return false;
        }
        if (tag != null && !tag.isBlank()) {
            return Stream.concat(r.tagsCn().stream(), r.tagsEn().stream()).anyMatch(t -> t.equalsIgnoreCase(tag.trim()));
        }
        return true;
    }

    /** cover_local as a URL under /assets/covers, or null when the cover is not under cache/images. */
    private Map<String, Object> withCoverUrl(LoraRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("title_cn", r.titleCn());
        m.put("title_en", r.titleEn());
        m.put("author", r.author());
        m.put("avatar", r.avatar());
        m.put("cover_url", r.coverUrl());
        m.put("cover_local", coverUrl(r.coverLocal()));
        m.put("downloads", r.downloads());
        m.put("likes", r.likes());
        m.put("license", r.license());
        m.put("tags_cn", r.tagsCn());
        m.put("tags_en", r.tagsEn());
        m.put("base_models", r.baseModels());
        m.put("vision_foundation", r.visionFoundation());
        m.put("trigger_words", r.triggerWords());
        m.put("updated_at", r.updatedAt());
        m.put("modelscope_url", r.modelscopeUrl());
        m.put("needs_image", Boolean.TRUE.equals(r.needsImage()));
        m.values().removeIf(v -> v == null);
        m.putIfAbsent("cover_local", null);
        // History fields: null means unknown (see LoraRecord), so they are sent even when null.
        m.put("rank", r.rank());
        m.put("rank_change", r.rankChange());
        m.put("downloads_delta", r.downloadsDelta());
        m.put("likes_delta", r.likesDelta());
        m.put("downloads_per_day", r.downloadsPerDay());
        m.put("first_seen_at", r.firstSeenAt());
        m.put("is_new", r.isNew());
        return m;
    }

    String coverUrl(String coverLocal) {
        return HttpEdge.assetUrl(home.root(), home.cache().resolve("images"), "/assets/covers/", coverLocal);
    }

    private Path cacheFile(String task) {
        return CacheFiles.served(home.cache(), task, settings.perTaskCache());
    }

    /**
     * Tasks that have a cache file, for a task switcher. A leaderboard in another order than catalog.sort
     * ({@code top_loras_<task>.<sort>.json}, written by {@code fetch --sort}) is that task's too, not a task of its own.
     */
    public List<String> cachedTasks() {
        if (!Files.isDirectory(home.cache())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(home.cache())) {
            return files.map(p -> CacheFiles.taskOf(p.getFileName().toString()))
                    .flatMap(java.util.Optional::stream)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Instant now() {
        return clock.instant();
    }
}
