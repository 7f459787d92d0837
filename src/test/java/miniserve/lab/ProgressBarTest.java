package miniserve.lab;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {

    @Test
    void theLineShowsTheShareDoneTheStageAndTheTimes() {
        StringWriter out = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(out), false, 200)) {
            bar.stage("config 2/7 b1-w0: run 1/3");
            bar.stageProgress(50);
            assertThat(bar.line()).startsWith("[#######.....................]  25%  config 2/7 b1-w0: run 1/3  elapsed 0:0")
                    .contains("left ~");
            bar.stage("config 3/7 b2-w10: run 1/3");
            bar.stageProgress(100); // 50 before the stage + 100 within it
            assertThat(bar.line()).contains(" 75% ");
            bar.stageProgress(20);  // progress never goes back
            assertThat(bar.line()).contains(" 75% ");
            bar.println("a message");
        }
        // not a terminal: one line per stage, and messages in between
        assertThat(out.toString().lines()).hasSize(3);
        assertThat(out.toString()).contains("config 2/7").contains("config 3/7").contains("a message");
    }

    @Test
    void clockFormat() {
        assertThat(ProgressBar.clock(5)).isEqualTo("0:05");
        assertThat(ProgressBar.clock(754)).isEqualTo("12:34");
        assertThat(ProgressBar.clock(3725)).isEqualTo("1:02:05");
    }
}
