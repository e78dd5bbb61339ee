package dev.toploras.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.storage.Json;
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
}
