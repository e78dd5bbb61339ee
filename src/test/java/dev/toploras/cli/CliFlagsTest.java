package dev.toploras.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.support.ConsoleCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** What a user types wrong is told in one line, exit 2, before the runtime starts; help reads whole. */
class CliFlagsTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path home;

    int run(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        return TopLorasCommand.run(all.toArray(String[]::new));
    }

    /** Nothing started: one line on stderr, and the runtime (which creates cache/ and runs/) never ran. */
    void assertOneLineBeforeStart(String... expected) {
        List<String> lines = console.stderr().lines().toList();
        assertThat(lines).as(console.stderr()).hasSize(1);
        assertThat(lines.get(0)).startsWith("top-loras: ").contains(expected);
        assertThat(console.stderr()).doesNotContain("Message History", "\tat ");
        assertThat(home.resolve("cache")).doesNotExist();
    }

    @Test
    void should_exit_2_in_one_line_when_limit_is_zero() {
        assertThat(run("fetch", "--limit", "0")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("--limit must be at least 1, got 0");
    }

    @Test
    void should_exit_2_in_one_line_when_task_is_empty() {
        assertThat(run("fetch", "--task", "")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("--task needs a ModelScope task name");
    }

    @Test
    void should_exit_2_in_one_line_for_bad_concurrency_ttl_and_base_url() {
        assertThat(run("fetch", "--concurrency", "0")).isEqualTo(ExitCode.USAGE);
        assertThat(run("fetch", "--ttl", "soon")).isEqualTo(ExitCode.USAGE);
        assertThat(run("fetch", "--base-url", "localhost:8089")).isEqualTo(ExitCode.USAGE);
        assertThat(console.stderr()).contains("--concurrency must be at least 1", "--ttl must be a positive duration",
                "--base-url must be an http:// or https:// URL");
        assertThat(home.resolve("cache")).doesNotExist();
    }

    @Test
    void should_exit_2_in_one_line_for_a_blank_trends_task_and_a_bad_submit_timeout() throws Exception {
        assertThat(run("trends", "--task", " ")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("--task needs a ModelScope task name");

        Path req = Files.writeString(home.resolve("job.json"), "{}");
        assertThat(run("submit", req.toString(), "--wait", "--timeout", "soon")).isEqualTo(ExitCode.USAGE);
        assertThat(console.stderr()).contains("--timeout must be a positive duration");
        assertThat(home.resolve("inbox")).doesNotExist();
    }

    @Test
    void should_name_the_key_when_a_set_value_has_the_wrong_type() {
        assertThat(run("--set", "retries.max=three", "fetch")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("retries.max", "takes a whole number");
    }

    @Test
    void should_name_the_key_when_a_set_duration_or_sort_is_wrong() {
        assertThat(run("--set", "catalog.ttl=ten minutes", "fetch")).isEqualTo(ExitCode.USAGE);
        assertThat(run("--set", "catalog.sort=popular", "fetch")).isEqualTo(ExitCode.USAGE);
        assertThat(run("--set", "catalog.per-task-cache=yes", "fetch")).isEqualTo(ExitCode.USAGE);
        assertThat(console.stderr()).contains("catalog.ttl", "positive duration", "catalog.sort", "popular",
                "catalog.per-task-cache", "true or false");
    }

    @Test
    void should_refuse_an_unknown_set_key_naming_the_nearest_known_one() {
        assertThat(run("--set", "retry.max=5", "fetch")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("unknown configuration key", "did you mean 'retries.max'");
    }

    @Test
    void should_accept_a_key_the_users_own_properties_file_defines() throws Exception {
        Files.writeString(home.resolve("application.properties"), "my.route.greeting=hi\n");
        assertThat(run("--set", "my.route.greeting=hello", "status", "x")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run("--set", "my.route.greetin=hello", "trends")).isEqualTo(ExitCode.USAGE);
        assertThat(console.stderr()).contains("did you mean 'my.route.greeting'");
    }

    @Test
    void should_accept_home_and_set_after_the_command() throws Exception {
        Path other = Files.createDirectories(home.resolve("other"));
        Path errors = Files.createDirectories(other.resolve("inbox"));
        Files.writeString(errors.resolve("late-1.json"), "{}");

        assertThat(TopLorasCommand.run("status", "late-1", "--home", other.toString())).isEqualTo(ExitCode.OK);
        assertThat(console.stdout()).contains("late-1  waiting in inbox/late-1.json");

        assertThat(TopLorasCommand.run("fetch", "--home", other.toString(), "--set", "retry.max=1"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(console.stderr()).contains("did you mean 'retries.max'");
    }

    @Test
    void should_describe_inbox_api_and_web_page_in_serve_help() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(console.stdout()).contains("inbox/", "/api/v1", "web gallery", "prints the URL", "--port", "--host");
    }

    /** picocli prints each description element as its own line: an element must be whole, never half a sentence. */
    @Test
    void should_have_every_help_text_end_a_sentence() {
        CommandLine cli = new CommandLine(new TopLorasCommand());
        List<String> cut = new ArrayList<>();
        List<CommandSpec> specs = new ArrayList<>(List.of(cli.getCommandSpec()));
        cli.getSubcommands().values().forEach(c -> specs.add(c.getCommandSpec()));
        for (CommandSpec spec : specs) {
            for (String line : spec.usageMessage().description()) {
                if (!endsSentence(line)) {
                    cut.add(spec.name() + ": " + line);
                }
            }
            for (OptionSpec o : spec.options()) {
                for (String line : o.description()) {
                    if (!endsSentence(line)) {
                        cut.add(spec.name() + " " + o.longestName() + ": " + line);
                    }
                }
            }
        }
        assertThat(cut).isEmpty();
        ByteArrayOutputStream usage = new ByteArrayOutputStream();
        cli.getSubcommands().get("cancel").usage(new PrintWriter(usage, true, StandardCharsets.UTF_8));
        assertThat(usage.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "))
                .contains("a running one stops at its next ModelScope poll.");
    }

    private static boolean endsSentence(String line) {
        String t = line.strip();
        return t.endsWith(".") || t.endsWith(".)") || t.endsWith(":") || t.endsWith("?");
    }

    @Test
    void should_exit_2_in_one_line_for_a_limit_too_large_for_a_number_not_the_usage_text() {
        assertThat(run("fetch", "--limit", "100000000000")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("--limit needs a whole number", "100000000000");
        assertThat(console.stdout()).isEmpty();
    }

    @Test
    void should_suggest_the_nearest_option_for_a_misspelt_one() {
        assertThat(run("fetch", "--limt", "10")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("unknown option '--limt'", "did you mean --limit?");
    }

    @Test
    void should_exit_2_naming_the_window_flag_for_a_bad_trends_window() {
        assertThat(run("trends", "--window", "7x")).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("--window must be a positive duration", "'7x'");
        assertThat(console.stderr()).doesNotContain("history.window");
    }

    @Test
    void should_say_no_file_for_a_submit_of_a_file_that_does_not_exist() {
        assertThat(run("submit", home.resolve("missing.json").toString())).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("no file", "missing.json");
        assertThat(console.stderr()).doesNotContain("as JSON");
    }

    @Test
    void should_give_line_and_column_without_the_parsers_internals_for_a_broken_request_file() throws Exception {
        Path req = Files.writeString(home.resolve("broken.json"), "{\"job_id\": \"x\",\n  oops}");
        assertThat(run("submit", req.toString())).isEqualTo(ExitCode.USAGE);
        assertOneLineBeforeStart("is not valid JSON", "line 2, column");
        assertThat(console.stderr()).doesNotContain("REDACTED", "StreamReadFeature", "Source:");
    }
}
