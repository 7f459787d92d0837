package miniserve.console;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {

    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void theLineShowsTheShareDoneTheTextAndTheTimes() {
        StringWriter out = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(out), false, NEVER, 200)) {
            assertThat(bar.line()).startsWith("[........................]   0%  ").endsWith("left ~?");
            bar.stage("config 2/7 b1-w0: run 1/3");
            bar.advanceTo(50);
            assertThat(bar.line()).startsWith("[######..................]  25%  config 2/7 b1-w0: run 1/3  elapsed 0m0")
                    .contains("left ~");
            bar.advanceTo(150);
            assertThat(bar.line()).contains(" 75% ");
            bar.advanceTo(120); // reports from several threads arrive out of order: progress never goes back
            assertThat(bar.line()).contains(" 75% ");
            bar.addTotal(100);
            assertThat(bar.line()).contains(" 50% ");
        }
    }

    @Test
    void withoutATerminalALineIsPrintedAtEachStageAndOnceMoreAtTheEnd() {
        StringWriter out = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(out), false, NEVER, 100)) {
            bar.stage("stage one");
            bar.advanceTo(40);
            bar.println("a message");
            bar.stage("stage two");
            bar.update(100, "stage two, done");
        }
        assertThat(out.toString().lines()).hasSize(4).satisfiesExactly(
                l -> assertThat(l).contains("  0%  stage one"),
                l -> assertThat(l).isEqualTo("a message"),
                l -> assertThat(l).contains(" 40%  stage two"),
                l -> assertThat(l).contains("100%  stage two, done"));
    }

    @Test
    void withoutATerminalUpdatesPrintALineWhenOneIsDue() {
        StringWriter out = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(out), false, Duration.ZERO, 3)) {
            for (int step = 1; step <= 3; step++) bar.update(step, "step " + step + "/3");
        }
        // one line per update; the end adds none, nothing moved since the last
        assertThat(out.toString().lines()).hasSize(3).last().asString().contains("100%  step 3/3");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndEndedOnClose() {
        StringWriter out = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(out), true, NEVER, 10)) {
            bar.update(5, "halfway");
            bar.println("a message");
        }
        String text = out.toString();
        assertThat(text).contains("\ra message\n").contains("\r[############............]  50%  halfway").endsWith("\n");
        assertThat(text.lines().filter(l -> l.contains("a message"))).hasSize(1);
    }

    @Test
    void aResumedJobCountsItsEarlierUnitsAndTime() {
        try (ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), false, NEVER, 100)) {
            bar.resume(40, 3600 + 5 * 60);
            assertThat(bar.line()).contains(" 40% ").contains("elapsed 1h05m").endsWith("left ~?"); // no speed of its own yet
        }
    }

    @Test
    void durationFormat() {
        assertThat(ProgressBar.duration(5)).isEqualTo("0m05s");
        assertThat(ProgressBar.duration(754)).isEqualTo("12m34s");
        assertThat(ProgressBar.duration(3725)).isEqualTo("1h02m");
    }
}
