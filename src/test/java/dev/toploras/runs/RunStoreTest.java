package dev.toploras.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refresh runs and the process that owns them: a run whose process died ends; a live one is left alone. */
class RunStoreTest {
    static final ObjectMapper JSON = Json.mapper();

    @TempDir
    Path dir;

    /** What a process killed mid-refresh leaves: run.json saying running, and no process holding its lock. */
    void leftByAKilledProcess(String runId) throws Exception {
        RunDocument doc = new RunDocument(runId, RunKind.REFRESH.wire(), RunState.RUNNING.wire(),
                Map.of("task", "text-to-image-synthesis"), Instant.now(), null, new RunDocument.Counts(0, 0, 0, 0),
                null);
        Files.createDirectories(dir.resolve(runId));
        Files.write(dir.resolve(runId).resolve("run.json"), JSON.writeValueAsBytes(doc));
    }

    @Test
    void should_end_a_refresh_left_running_by_a_dead_process_as_failed_interrupted() throws Exception {
        leftByAKilledProcess("r-killed");
        RunStore store = new RunStore(dir, JSON, Clock.systemUTC());

        RunDocument seen = store.list().get(0);
        assertThat(seen.state()).isEqualTo("failed");
        assertThat(seen.error().message()).startsWith("interrupted");
        assertThat(new RunStore(dir, JSON, Clock.systemUTC()).get("r-killed").orElseThrow().state())
                .isEqualTo("failed");
    }

    @Test
    void should_leave_alone_a_refresh_another_live_process_is_running() throws Exception {
        RunStore owner = new RunStore(dir, JSON, Clock.systemUTC());
        RunHandle live = owner.start(RunKind.REFRESH, Map.of("task", "t"), null);
        RunStore other = new RunStore(dir, JSON, Clock.systemUTC()); // another reader of the same files

        assertThat(other.get(live.runId()).orElseThrow().state()).isEqualTo("running");
        assertThat(other.running(live.runId())).isEmpty();

        live.finish(null);
        assertThat(other.get(live.runId()).orElseThrow().state()).isEqualTo("completed");
    }

    @Test
    void should_refuse_a_second_refresh_of_a_task_while_one_runs_whatever_run_id_it_has() {
        RunStore store = new RunStore(dir, JSON, Clock.systemUTC());
        Map<String, Object> task = Map.of("task", "t", "sort", "downloads");
        RunHandle first = store.start(RunKind.REFRESH, task, null);

        // the start-up refresh, a POST /refresh and `fetch` in another process each pick their own run id
        assertThatThrownBy(() -> store.start(RunKind.REFRESH, task, null))
                .isInstanceOf(RefreshBusyException.class).hasMessageContaining(first.runId());
        assertThatThrownBy(() -> new RunStore(dir, JSON, Clock.systemUTC()).start(RunKind.REFRESH, task, "r-other"))
                .isInstanceOf(RefreshBusyException.class).hasMessageContaining(first.runId());
        // another order of the same task writes another cache: not the same refresh
        store.start(RunKind.REFRESH, Map.of("task", "t", "sort", "likes"), null).finish(null);

        first.finish(null);
        RunHandle next = store.start(RunKind.REFRESH, task, null);
        assertThat(next.runId()).isNotEqualTo(first.runId());
        next.finish(null);
        assertThat(store.list()).extracting(RunDocument::state).containsOnly("completed");
    }

    @Test
    void should_let_a_refresh_start_when_the_process_holding_the_task_was_killed() throws Exception {
        leftByAKilledProcess("r-killed");
        // a stale lock file with a holder written in it, as a killed process leaves it: no process holds the lock
        Files.createDirectories(dir.resolve(".tasks"));
        Files.writeString(dir.resolve(".tasks/text-to-image-synthesis.downloads.lock"), "r-killed");
        RunStore store = new RunStore(dir, JSON, Clock.systemUTC());

        RunHandle h = store.start(RunKind.REFRESH, Map.of("task", "text-to-image-synthesis", "sort", "downloads"),
                null);

        assertThat(store.get("r-killed").orElseThrow().state()).isEqualTo("failed");
        assertThat(store.get(h.runId()).orElseThrow().state()).isEqualTo("running");
        h.finish(null);
    }
}
