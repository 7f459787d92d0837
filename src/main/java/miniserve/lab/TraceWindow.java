package miniserve.lab;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A few seconds of one model thread's forward passes, cut from a server's {@code GET /trace}: what
 * the lab's timeline draws. Each pass gives one letter per row: {@code P} a prompt ({@code padding} of
 * its {@code tokens} left padding), {@code D} a needed token, {@code A} a token after the row's end,
 * {@code .} nothing.
 *
 * @param label  the configuration's label
 * @param fromMs the window's start, in ms of the server's clock; {@code toMs} its end
 */
public record TraceWindow(String label, String describe, int worker, double fromMs, double toMs, List<Pass> passes) {

    /** One forward pass, as {@code GET /trace} gives it. */
    public record Pass(int worker, double startMs, double endMs, String rows, int[] tokens, int[] padding) {}

    /** The answer of {@code GET /trace}. */
    record Trace(double nowMs, List<Pass> steps) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The passes of model thread 0 in the {@code spanMs} that end {@code endBeforeNowMs} before the answer
     * was given (so that a window in the middle of a run just measured can be chosen), or the latest
     * {@code spanMs} the trace holds if it does not reach that far back.
     */
    public static TraceWindow cut(String label, String describe, String traceJson, double endBeforeNowMs, double spanMs) {
        Trace t;
        try {
            t = JSON.readValue(traceJson, Trace.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("GET /trace gave no trace: " + e.getMessage(), e);
        }
        List<Pass> own = t.steps().stream().filter(p -> p.worker() == 0).toList();
        double to = t.nowMs() - endBeforeNowMs;
        if (!own.isEmpty() && own.getFirst().startMs() > to - spanMs) to = Math.min(t.nowMs(), own.getFirst().startMs() + spanMs);
        double from = to - spanMs, end = to;
        List<Pass> in = own.stream().filter(p -> p.endMs() > from && p.startMs() < end).toList();
        return new TraceWindow(label, describe, 0, from, to, in);
    }

    /** Rows of the batch (the longest row string seen). */
    public int rows() {
        return passes.stream().mapToInt(p -> p.rows().length()).max().orElse(0);
    }

    public void write(Path file) {
        Manifest.writeJson(this, file);
    }
}
