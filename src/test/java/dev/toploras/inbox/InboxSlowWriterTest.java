package dev.toploras.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job file written straight into inbox/ by a writer that pauses (`(printf '{...'; sleep 4; printf '...}') >
 * inbox/x.json`, a slow `cp`): the read lock sees it unchanged for longer than inbox.read-lock-min-age, so the inbox
 * must also see that the document is unfinished and wait (up to inbox.incomplete-wait).
 */
class InboxSlowWriterTest {
    static TopLorasRuntime runtime;
    static Home home;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        home = new Home(dir);
        Files.createDirectories(home.inbox());
        runtime = TopLorasRuntime.start(home, Map.of("runtime.serve", "true", "server.port",
                String.valueOf(dev.toploras.support.Http.freePort()), "inbox.read-lock-min-age", "100",
                "inbox.poll-delay", "50", "inbox.incomplete-wait", "4s"), Optional::empty, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static final String HEAD = "{\"job_id\": \"%s\", \"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\",";
    static final String TAIL = " \"params\": {\"prompt\": \"a slow cat\", \"size\": \"64x64\"}, \"backend\": \"local\"}";

    @Test
    void should_run_a_file_whose_writer_paused_mid_document_once_it_is_finished() throws Exception {
        Path file = home.inbox().resolve("slow.json");
        Files.writeString(file, HEAD.formatted("slow-1"), StandardCharsets.UTF_8);
        // unchanged far longer than read-lock-min-age (100 ms), yet left alone: it ends mid-document
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> Files.exists(file)
                || (Boolean) fail("taken: " + java.util.Arrays.toString(home.inbox().toFile().list()) + " .error: "
                + java.util.Arrays.toString(home.inbox().resolve(".error").toFile().list())));
        assertThat(home.inbox().resolve(".error")).doesNotExist();

        Files.writeString(file, TAIL, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Path doc = home.cache().resolve("outputs/text-to-image-synthesis/slow-1.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isRegularFile(doc)
                && Json.mapper().readTree(doc.toFile()).path("status").asText().equals("succeeded"));
        // the file consumer moves the file once the intake's exchange completes; the job may end before that
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(home.inbox().resolve(".done/slow.json"))
                .exists());
    }

    @Test
    void should_reject_a_file_left_unfinished_for_longer_than_the_incomplete_wait() throws Exception {
        Files.writeString(home.inbox().resolve("abandoned.json"), HEAD.formatted("gone-1"), StandardCharsets.UTF_8);
        Path reason = home.inbox().resolve(".error/abandoned.json.error.json");
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.isRegularFile(reason));
        JsonNode r = Json.mapper().readTree(reason.toFile());
        assertThat(r.path("code").asText()).isEqualTo("invalid_request");
    }
}
