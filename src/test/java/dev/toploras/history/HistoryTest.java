package dev.toploras.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History as refreshes would build it: synthetic snapshot sequences, a clock moved by hand, no Camel. */
class HistoryTest {
    static final Duration WEEK = Duration.ofDays(7);
    static final HistorySettings KEEP = new HistorySettings(1000, Duration.ofDays(90), WEEK);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    HistoryStore store;
    Instant now = T0;

    @BeforeEach
    void open() {
        store = new HistoryStore(dir.resolve("history/t2i"), Json.mapper());
    }

    static History.Sample s(String id, long downloads, long likes) {
        return new History.Sample(id, downloads, likes);
    }

    /** One refresh at {@code now}: computes the trends, then appends the snapshot, as the catalog route does. */
    Map<String, Trend> refresh(String sort, boolean byVelocity, History.Sample... samples) {
        History h = new History(store, Clock.fixed(now, ZoneOffset.UTC));
        History.Result r = h.compute(List.of(samples), sort, byVelocity, WEEK);
        store.append(History.snapshot(r, sort), KEEP);
        return r.byId();
    }

    @Test
    void should_know_nothing_on_a_first_refresh_and_mark_nothing_new() {
        Map<String, Trend> t = refresh("downloads", false, s("a/x", 100, 5), s("b/y", 50, 2));
        Trend a = t.get("a/x");
        assertThat(a.rank()).isEqualTo(1);
        assertThat(a.rankChange()).isNull();
        assertThat(a.downloadsDelta()).isNull();
        assertThat(a.likesDelta()).isNull();
        assertThat(a.downloadsPerDay()).isNull();
        assertThat(a.firstSeenAt()).isEqualTo(T0);
        assertThat(a.isNew()).isFalse();
        assertThat(t.get("b/y").rank()).isEqualTo(2);
    }

    @Test
    void should_report_rises_falls_deltas_and_downloads_per_day() {
        refresh("downloads", false, s("a/x", 1000, 10), s("b/y", 900, 5), s("c/z", 800, 1));
        now = T0.plus(Duration.ofDays(1));
        refresh("downloads", false, s("a/x", 1100, 11), s("b/y", 1000, 6), s("c/z", 850, 1));
        now = T0.plus(Duration.ofDays(2));
        Map<String, Trend> t = refresh("downloads", false, s("c/z", 2000, 4), s("a/x", 1200, 12), s("b/y", 1050, 6));

        Trend c = t.get("c/z");
        assertThat(c.rank()).isEqualTo(1);
        assertThat(c.rankChange()).isEqualTo(2);
        assertThat(c.downloadsDelta()).isEqualTo(1150);
        assertThat(c.likesDelta()).isEqualTo(3);
        assertThat(c.downloadsPerDay()).isEqualTo(600.0); // (2000 - 800) over 2 days
        assertThat(c.windowRankGain()).isEqualTo(2);
        Trend a = t.get("a/x");
        assertThat(a.rankChange()).isEqualTo(-1);
        assertThat(a.downloadsPerDay()).isEqualTo(100.0);
        assertThat(t.get("b/y").rankChange()).isEqualTo(-1);
        assertThat(t.values()).allSatisfy(x -> {
            assertThat(x.isNew()).isFalse();
            assertThat(x.firstSeenAt()).isEqualTo(T0);
        });
    }

    @Test
    void should_give_no_bogus_delta_to_an_entry_that_left_and_came_back() {
        refresh("downloads", false, s("a/x", 1000, 10), s("b/y", 900, 5), s("c/z", 800, 1));
        now = T0.plus(Duration.ofDays(1));
        Map<String, Trend> gone = refresh("downloads", false, s("a/x", 1100, 10), s("b/y", 1000, 5), s("d/w", 950, 1));
        Trend d = gone.get("d/w");
        assertThat(d.isNew()).isTrue();
        assertThat(d.rankChange()).isNull();
        assertThat(d.downloadsDelta()).isNull();
        assertThat(d.downloadsPerDay()).isNull();
        assertThat(d.firstSeenAt()).isEqualTo(now);

        now = T0.plus(Duration.ofDays(2));
        Map<String, Trend> back = refresh("downloads", false, s("c/z", 5000, 3), s("a/x", 1200, 10), s("b/y", 1100, 5));
        Trend c = back.get("c/z");
        assertThat(c.rankChange()).as("not in the previous snapshot").isNull();
        assertThat(c.downloadsDelta()).isNull();
        assertThat(c.likesDelta()).isNull();
        assertThat(c.firstSeenAt()).isEqualTo(T0);
        assertThat(c.isNew()).as("seen when history began").isFalse();
        assertThat(c.downloadsPerDay()).as("from its snapshot inside the window").isEqualTo(2100.0);
        assertThat(c.windowRankGain()).isEqualTo(2);
    }

    @Test
    void should_use_only_snapshots_inside_the_window_for_velocity_and_newness() {
        refresh("downloads", false, s("a/x", 1000, 0));
        now = T0.plus(Duration.ofDays(10));
        refresh("downloads", false, s("a/x", 2000, 0), s("b/y", 10, 0));
        now = T0.plus(Duration.ofDays(12));
        Map<String, Trend> t = refresh("downloads", false, s("a/x", 2200, 0), s("b/y", 30, 0));
        assertThat(t.get("a/x").downloadsPerDay()).as("baseline day 10, not day 0").isEqualTo(100.0);
        assertThat(t.get("b/y").isNew()).isTrue();
        now = T0.plus(Duration.ofDays(18));
        t = refresh("downloads", false, s("a/x", 2300, 0), s("b/y", 60, 0));
        assertThat(t.get("b/y").isNew()).as("first seen 8 days ago").isFalse();
        assertThat(t.get("b/y").downloadsPerDay()).isEqualTo(5.0); // day 12 -> day 18: 30 in 6 days
    }

    @Test
    void should_order_trending_by_velocity_with_unknown_last() {
        refresh("trending", true, s("a/x", 1000, 0), s("b/y", 500, 0));
        now = T0.plus(Duration.ofDays(1));
        Map<String, Trend> t = refresh("trending", true, s("a/x", 1010, 0), s("c/new", 900, 0), s("b/y", 700, 0));
        assertThat(t.get("b/y").rank()).isEqualTo(1);
        assertThat(t.get("b/y").rankChange()).isEqualTo(1);
        assertThat(t.get("a/x").rank()).isEqualTo(2);
        assertThat(t.get("c/new").rank()).isEqualTo(3);
        assertThat(t.get("c/new").downloadsPerDay()).isNull();
    }

    @Test
    void should_not_compare_ranks_across_orders() {
        refresh("likes", false, s("a/x", 1000, 1), s("b/y", 500, 9));
        now = T0.plus(Duration.ofHours(6));
        Map<String, Trend> t = refresh("downloads", false, s("a/x", 1000, 1), s("b/y", 500, 9));
        assertThat(t.get("a/x").rankChange()).isNull();
        assertThat(t.get("a/x").downloadsDelta()).isZero();
    }

    @Test
    void should_ignore_corrupt_and_half_written_snapshots_with_a_warning() throws Exception {
        refresh("downloads", false, s("a/x", 1000, 1), s("b/y", 500, 1));
        now = T0.plus(Duration.ofDays(1));
        refresh("downloads", false, s("b/y", 1500, 1), s("a/x", 1100, 1));
        List<HistoryStore.Stored> files = store.list();
        String full = Files.readString(files.get(1).file());
        Files.writeString(files.get(1).file(), full.substring(0, full.length() / 2)); // half-written
        Path junk = store.dir().resolve(HistoryStore.NAME.format(T0.plus(Duration.ofDays(1).plusHours(1))) + ".json");
        Files.writeString(junk, "{\"at\": 12, \"records\": \"nope\"}");
        Files.writeString(store.dir().resolve(HistoryStore.INDEX), "{ not json");

        now = T0.plus(Duration.ofDays(2));
        History.Result r = new History(store, Clock.fixed(now, ZoneOffset.UTC))
                .compute(List.of(s("a/x", 1300, 2), s("b/y", 1600, 1)), "downloads", false, WEEK);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("ignoring unreadable snapshot")
                .contains(files.get(1).file().getFileName().toString()));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains(junk.getFileName().toString()));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("rebuilding unreadable index.json"));
        Trend a = r.byId().get("a/x");
        assertThat(a.rankChange()).as("against the last readable snapshot, day 0").isEqualTo(0);
        assertThat(a.downloadsDelta()).isEqualTo(300);
        assertThat(a.downloadsPerDay()).isEqualTo(150.0);
        assertThat(a.firstSeenAt()).isEqualTo(T0);
    }

    @Test
    void should_keep_history_by_count_and_age_and_stay_small() throws Exception {
        HistorySettings keep = new HistorySettings(5, Duration.ofDays(8), WEEK);
        List<History.Sample> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(s("DiffSynth-Studio/Qwen-Image-Edit-LoRA-" + i, 1_000_000 - i * 1000L, 5000 - i));
        }
        for (int day = 0; day < 20; day++) {
            now = T0.plus(Duration.ofDays(day));
            History.Result r = new History(store, Clock.fixed(now, ZoneOffset.UTC)).compute(hundred, "downloads", false,
                    WEEK);
            store.append(History.snapshot(r, "downloads"), keep);
        }
        assertThat(store.list()).hasSize(5);
        assertThat(store.list().get(0).at()).isEqualTo(T0.plus(Duration.ofDays(15)));
        long snapshotBytes = Files.size(store.list().get(4).file());
        assertThat(snapshotBytes).as("a snapshot of 100 records").isLessThan(8 * 1024);

        keep = new HistorySettings(1000, Duration.ofDays(8), WEEK);
        now = T0.plus(Duration.ofDays(40));
        store.append(new Snapshot(now, "downloads", List.of()), keep);
        assertThat(store.list()).as("older than keep-age; the newest stays").hasSize(1);
        assertThat(store.index(w -> { }).ids()).as("ids unseen for keep-age are forgotten").isEmpty();
    }

    @Test
    void should_return_one_records_series_oldest_first() {
        refresh("downloads", false, s("a/x", 10, 1), s("b/y", 5, 0));
        now = T0.plus(Duration.ofDays(1));
        refresh("downloads", false, s("b/y", 50, 0));
        now = T0.plus(Duration.ofDays(2));
        refresh("downloads", false, s("b/y", 60, 0), s("a/x", 20, 3));
        List<HistoryStore.Point> series = store.series("a/x");
        assertThat(series).extracting(HistoryStore.Point::downloads).containsExactly(10L, 20L);
        assertThat(series).extracting(HistoryStore.Point::rank).containsExactly(1, 2);
        assertThat(series.get(1).at()).isEqualTo(T0.plus(Duration.ofDays(2)));
    }

    @Test
    void should_open_only_a_few_snapshots_however_many_lie_inside_the_window() {
        List<History.Sample> board = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            board.add(s("o/m" + i, 1000 - i, 0));
        }
        for (int k = 0; k < 60; k++) {
            now = T0.plus(Duration.ofMinutes(10L * k));
            board.set(k % 20, s("o/new" + k, 1000 - (k % 20), 0)); // one record replaced per refresh
            refresh("downloads", false, board.toArray(History.Sample[]::new));
        }
        now = now.plus(Duration.ofMinutes(10));
        long before = store.snapshotsRead();
        History.Result r = new History(store, Clock.fixed(now, ZoneOffset.UTC)).compute(board, "downloads", false, WEEK);
        assertThat(store.snapshotsRead() - before).as("newest + oldest of the window + first-seen ones, not all 60")
                .isLessThanOrEqualTo(22);
        assertThat(r.trends().stream().filter(t -> t.downloadsPerDay() != null))
                .as("all but the 5 first seen less than an hour ago (too short a span)").hasSize(15);
        assertThat(r.trends()).allSatisfy(t -> assertThat(t.windowRankGain()).as("baseline from its first snapshot")
                .isZero());
    }
}
