package dev.toploras.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.jobs.JobParams;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class PictureTextTest {
    static final String CHINESE = "麦橘写实 一只金色的猫";

    @Test
    void should_draw_every_line_in_a_font_that_has_all_its_characters_so_no_box_is_ever_drawn() {
        for (String text : new String[] {CHINESE, "prompt: a cat 猫 " + CHINESE, "plain ascii", "ünïcödé 漢字 かな"}) {
            PictureText.Line line = PictureText.line(PictureText.font(Font.PLAIN, 14), text);
            assertThat(line.font().canDisplayUpTo(line.text())).as(line.font() + ": " + line.text()).isEqualTo(-1);
        }
    }

    @Test
    void should_spell_characters_a_font_lacks_as_code_points() {
        Optional<Font> latinOnly = Arrays.stream(GraphicsEnvironment.getLocalGraphicsEnvironment().getAllFonts())
                .filter(f -> f.canDisplay('a') && !f.canDisplay('猫')).findFirst();
        Assumptions.assumeTrue(latinOnly.isPresent(), "no installed font without CJK");
        String spelled = PictureText.spelled(latinOnly.get(), "a 猫咪 cat");
        assertThat(spelled).isEqualTo("a [U+732B U+54AA] cat");
    }

    @Test
    void should_leave_out_of_the_preview_the_parameters_a_job_did_not_set() {
        JobParams p = new JobParams("a cat", null, "512x512", null, null, 7L, null, null);
        assertThat(PreviewProcessor.numbers(p, 512, 512)).isEqualTo("size 512x512  seed 7").doesNotContain("null");
        JobParams all = new JobParams("a cat", null, "512x512", 30, 7.5, 7L, null, null);
        assertThat(PreviewProcessor.numbers(all, 512, 512)).isEqualTo("size 512x512  seed 7  steps 30  guidance 7.5");
    }

    @Test
    void should_break_text_without_spaces_between_characters() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(10, 10,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.FontMetrics fm = img.createGraphics().getFontMetrics(PictureText.font(Font.PLAIN, 12));
        var lines = PictureText.wrap("x".repeat(200), fm, 100, 10);
        assertThat(lines.size()).isGreaterThan(1);
        // the last line may carry the " ..." that says the text was cut
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(fm.stringWidth(l)).isLessThanOrEqualTo(100));
    }
}
