package dev.toploras.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.runtime.TopLorasRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless inbox drops (issue 9): every file dropped gets exactly one outcome, in .done/ or in .error/ with
 * a reason beside it; nothing outside the inbox is read; nothing dropped earlier is replaced. One runtime for all.
 */
class HostileInboxTest {
    static final ObjectMapper JSON = Json.mapper();
    static final String TASK = "text-to-image-synthesis";
    static TopLorasRuntime runtime;
    static Home home;
    static Path inbox;
    static Path elsewhere;

    @BeforeAll
    static void start(@TempDir Path dir, @TempDir Path outside) throws Exception {
        home = new Home(dir);
        elsewhere = outside;
        inbox = home.inbox();
        Files.createDirectories(inbox);
        runtime = TopLorasRuntime.start(home, Map.of("runtime.serve", "true", "server.port",
                String.valueOf(dev.toploras.support.Http.freePort()), "inbox.read-lock-min-age", "50",
                "inbox.poll-delay", "50"), Optional::empty, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static ObjectNode job(String jobId, String prompt) {
        ObjectNode j = JSON.createObjectNode();
        if (jobId != null) {
            j.put("job_id", jobId);
        }
        j.put("task", TASK);
        j.put("model_id", "Qwen/Qwen-Image");
        j.putObject("params").put("prompt", prompt).put("size", "64x64").put("seed", 1);
        j.put("backend", "local");
        return j;
    }

    /** Writes under a name the inbox ignores, then renames: the way `submit` hands a file over. */
    static void drop(String name, String content) {
        try {
            Path tmp = inbox.resolve(".drop-" + System.nanoTime() + ".part");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, inbox.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean present(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** Waits until {@code name} has left the inbox for .error/ with a reason beside it, and returns the reason. */
    static JsonNode awaitError(String outcome) throws IOException {
        Path reason = inbox.resolve(".error").resolve(outcome + ".error.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(reason)
                && present(inbox.resolve(".error").resolve(outcome)));
        return JSON.readTree(reason.toFile());
    }

    static Path doc(String jobId) {
        return home.cache().resolve("outputs").resolve(TASK).resolve(jobId + ".json");
    }

    @Test
    void should_never_read_through_a_symbolic_link() throws Exception {
        Files.createSymbolicLink(inbox.resolve("passwd.json"), Path.of("/etc/passwd"));
        Path foreignJob = elsewhere.resolve("foreign.json");
        Files.writeString(foreignJob, job("foreign-1", "from outside").toString());
        Files.createSymbolicLink(inbox.resolve("foreign.json"), foreignJob);

        JsonNode passwd = awaitError("passwd.json");
        assertThat(passwd.path("message").asText()).contains("symbolic link");
        assertThat(passwd.toString()).doesNotContain("root:");
        assertThat(awaitError("foreign.json").path("message").asText()).contains("symbolic link");
        assertThat(doc("foreign-1")).doesNotExist();
        assertThat(Files.isSymbolicLink(inbox.resolve(".error/passwd.json"))).isTrue();
    }

    @Test
    void should_set_a_fifo_aside_unopened_and_take_the_file_behind_it() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", inbox.resolve("x.json").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        drop("behind-fifo.json", job("behind-fifo", "behind a pipe").toString());

        assertThat(awaitError("x.json").path("message").asText()).contains("not a regular file");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.isRegularFile(doc("behind-fifo")));
    }

    @Test
    void should_give_hidden_names_and_directories_a_reason() throws Exception {
        Files.writeString(inbox.resolve(".hidden.json"), job(null, "hidden").toString());
        Files.writeString(inbox.resolve("..json"), job(null, "dots").toString());
        Files.createDirectory(inbox.resolve("dir.json"));

        assertThat(awaitError(".hidden.json").path("message").asText()).contains("hidden");
        assertThat(awaitError("..json").path("message").asText()).contains("hidden");
        assertThat(awaitError("dir.json").path("message").asText()).contains("directory");
    }

    @Test
    void should_take_long_names_and_keep_a_reason_beside_a_long_invalid_one() throws Exception {
        String longValid = "v".repeat(245) + ".json"; // 250 bytes: a marker or reason file beside it would not fit
        drop(longValid, job("long-name-1", "long").toString());
        String longInvalid = "i".repeat(225) + ".json";
        drop(longInvalid, "{not json");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(doc("long-name-1"))
                && !present(inbox.resolve(longValid)) && !present(inbox.resolve(longInvalid)));
        try (Stream<Path> errors = Files.list(inbox.resolve(".error"))) {
            assertThat(errors.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("iiii") && n.endsWith(".error.json"))).hasSize(1);
        }
    }

    @Test
    void should_keep_both_files_when_a_second_of_one_name_follows() throws Exception {
        drop("twice.json", "{broken one");
        awaitError("twice.json");
        drop("twice.json", "{broken two");
        awaitError("twice-1.json");
        assertThat(Files.readString(inbox.resolve(".error/twice.json"))).isEqualTo("{broken one");
        assertThat(Files.readString(inbox.resolve(".error/twice-1.json"))).isEqualTo("{broken two");

        drop("again.json", job("again-1", "same").toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> present(inbox.resolve(".done/again.json")));
        drop("again.json", job("again-1", "same").toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> present(inbox.resolve(".done/again-1.json")));
    }

    @Test
    void should_reject_a_reused_job_id_with_another_request_and_trailing_garbage() throws Exception {
        drop("first.json", job("reused-1", "the first prompt").toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(doc("reused-1")));
        drop("second.json", job("reused-1", "another prompt").toString());
        JsonNode conflict = awaitError("second.json");
        assertThat(conflict.path("code").asText()).isEqualTo("conflict");
        assertThat(JSON.readTree(doc("reused-1").toFile()).at("/params/prompt").asText()).isEqualTo("the first prompt");

        drop("garbage.json", job("garbage-1", "x") + " trailing");
        drop("two.json", job("two-1", "x").toString() + job("two-2", "y"));
        assertThat(awaitError("garbage.json").path("code").asText()).isEqualTo("invalid_request");
        assertThat(awaitError("two.json").path("code").asText()).isEqualTo("invalid_request");
        assertThat(doc("garbage-1")).doesNotExist();
        assertThat(doc("two-1")).doesNotExist();
    }
}
