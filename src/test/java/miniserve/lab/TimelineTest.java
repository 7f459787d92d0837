package miniserve.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace window cut from {@code GET /trace}, and the timeline drawn from it. */
class TimelineTest {

    @TempDir Path tmp;

    private static final String TRACE = """
            {"now_ms": 10000.0, "steps": [
              {"worker": 0, "start_ms": 5000.0, "end_ms": 5400.0, "rows": "PP", "tokens": [10, 10], "padding": [0, 5]},
              {"worker": 1, "start_ms": 5000.0, "end_ms": 9000.0, "rows": "DD", "tokens": [1, 1], "padding": [0, 0]},
              {"worker": 0, "start_ms": 5500.0, "end_ms": 6400.0, "rows": "DA", "tokens": [1, 1], "padding": [0, 0]},
              {"worker": 0, "start_ms": 8000.0, "end_ms": 8100.0, "rows": "D.", "tokens": [1, 0], "padding": [0, 0]}
            ]}""";

    @Test
    void aWindowKeepsModelThreadZerosPassesThatOverlapIt() {
        // the 2 s that end 2.5 s before the answer: 5500 .. 7500 ms
        TraceWindow w = TraceWindow.cut("b8-w20", "static", TRACE, 2500, 2000);
        assertThat(w.fromMs()).isEqualTo(5500);
        assertThat(w.toMs()).isEqualTo(7500);
        assertThat(w.passes()).extracting(TraceWindow.Pass::startMs).containsExactly(5500.0);
        w = TraceWindow.cut("b8-w20", "static", TRACE, 3000, 2000); // 5000 .. 7000
        assertThat(w.passes()).extracting(TraceWindow.Pass::startMs).containsExactly(5000.0, 5500.0);
        assertThat(w.passes()).allMatch(p -> p.worker() == 0);
        assertThat(w.rows()).isEqualTo(2);
        // a window reaching before the first pass slides to start there
        TraceWindow early = TraceWindow.cut("b8-w20", "static", TRACE, 9000, 2000);
        assertThat(early.fromMs()).isEqualTo(5000);
        assertThat(early.passes()).hasSize(2);
    }

    @Test
    void theTimelineColoursEveryKindOfSlot() throws Exception {
        TraceWindow w = TraceWindow.cut("b8-w20", "static", TRACE, 3000, 2000);
        TraceWindow clean = new TraceWindow("cont-b8", "continuous", 0, 0, 1000,
                List.of(new TraceWindow.Pass(0, 0, 1000, "DD", new int[]{1, 1}, new int[]{0, 0})));
        Path file = tmp.resolve("timeline.png");
        Timeline.savePng(List.of(w, clean), "test", file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img).isNotNull();
        assertThat(count(img, Timeline.PROMPT)).isPositive();
        assertThat(count(img, Timeline.PADDING)).isPositive();
        assertThat(count(img, Timeline.AFTER_END)).isPositive();
        assertThat(count(img, Timeline.NEEDED)).isGreaterThan(count(img, Timeline.AFTER_END)); // the second panel is all needed tokens
        Timeline.savePng(List.of(clean), "test", file);
        BufferedImage onlyNeeded = ImageIO.read(file.toFile());
        assertThat(count(onlyNeeded, Timeline.AFTER_END)).as("only the legend's swatch").isLessThan(14 * 13);
        assertThat(count(onlyNeeded, Timeline.PADDING)).isLessThan(14 * 13);
    }

    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) n++;
        return n;
    }
}
