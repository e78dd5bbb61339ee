package dev.toploras.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.covers.CoverProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A warning logged while the covers bar draws ends up on its own line above the bar, as a terminal shows it. */
class BarConsoleTest {

    /** What a terminal shows for this byte stream: '\r' returns to the line's start and overwrites, '\n' ends it. */
    static List<String> screen(String written) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char c : written.toCharArray()) {
            if (c == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                col = 0;
            } else if (c == '\r') {
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }

    @Test
    void should_print_a_warning_above_the_progress_bar_when_it_comes_while_the_bar_draws() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        System.setOut(tty);
        System.setErr(tty);
        try {
            BarConsole.around(() -> {
                CoverProgress bar = CoverProgress.to(System.out);
                bar.start(3);
                bar.step();
                LoggerFactory.getLogger("top-loras.test").warn("cover of a/b could not be fetched: HTTP 404");
                bar.step();
                return null;
            });
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }

        List<String> shown = screen(terminal.toString(StandardCharsets.UTF_8));
        assertThat(shown).hasSize(2);
        assertThat(shown.get(0)).endsWith("cover of a/b could not be fetched: HTTP 404").doesNotContain("covers [");
        assertThat(shown.get(1)).isEqualTo("covers [####################----------] 2/3");
    }
}
