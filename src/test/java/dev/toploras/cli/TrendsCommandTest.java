package dev.toploras.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.support.ConsoleCapture;
import dev.toploras.support.HistoryFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `top-loras trends` over snapshots written by hand: no network, risers and new entries as tables. */
class TrendsCommandTest {
    static final String TASK = "text-to-image-synthesis";
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path home;

    String out() {
        return console.stdout();
    }

    void seed() {
        Instant now = Instant.now();
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofDays(3)), "downloads",
                "a/alpha", 900, 1, "b/beta", 800, 1, "c/gamma", 700, 1);
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofDays(1)), "downloads",
                "a/alpha", 950, 1, "b/beta", 850, 1, "c/gamma", 900, 1);
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofHours(1)), "downloads",
                "c/gamma", 1500, 2, "a/alpha", 1000, 1, "b/beta", 900, 1, "d/delta", 100, 0);
    }

    @Test
    void should_print_risers_and_new_entries_over_the_window() {
        seed();
        int code = TopLorasCommand.run("--home", home.toString(), "trends", "--task", TASK);
        assertThat(code).as(console.stderr()).isEqualTo(ExitCode.OK);
        String text = out();
        assertThat(text).contains("Risers (1)", "New entries (1)");
        String risers = text.substring(text.indexOf("Risers"), text.indexOf("New entries"));
        assertThat(risers).contains("c/gamma", "↑2").doesNotContain("a/alpha");
        assertThat(text.substring(text.indexOf("New entries"))).contains("d/delta").doesNotContain("c/gamma");
        assertThat(risers).containsPattern("(?m)^1\\s+↑2\\s+↑2\\s+\\d+\\.\\d\\s+1500\\s+c/gamma");
        assertThat(text).as("a new entry has no change to show").containsPattern("(?m)^4\\s+-\\s+-\\s+-\\s+100\\s+d/delta");
    }

    @Test
    void should_narrow_to_the_window_given() {
        seed();
        int code = TopLorasCommand.run("--home", home.toString(), "trends", "--task", TASK, "--window", "2h",
                "--limit", "5");
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out()).contains("Risers (0)", "window 2h");
    }

    @Test
    void should_say_how_to_start_when_there_is_no_history() {
        int code = TopLorasCommand.run("--home", home.toString(), "trends", "--task", TASK);
        assertThat(code).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(console.stderr()).contains("no history", "fetch --task " + TASK);
    }
}
