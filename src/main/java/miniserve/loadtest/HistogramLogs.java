package miniserve.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a run's raw latencies as an HdrHistogram interval log (one histogram per second of the
 * measured phase, by completion time), the format HdrHistogram's own tools read
 * ({@code HistogramLogReader}, {@code HistogramLogProcessor}). Values are nanoseconds, so the
 * tools' default unit ratio (1e6) prints milliseconds.
 */
public final class HistogramLogs {

    public static final long INTERVAL_NANOS = 1_000_000_000L;

    private HistogramLogs() {}

    /** The per-second latency histograms of a run, with start/end timestamps in epoch milliseconds. */
    public static List<Histogram> intervals(LoadTestResult result) {
        List<Histogram> out = new ArrayList<>();
        for (RequestRecord r : result.records()) {
            if (r.outcome() == RequestRecord.Outcome.ERROR) continue; // not in the latency figures either
            int slot = (int) Math.max(0, (r.endNanos() - result.startNanos()) / INTERVAL_NANOS);
            while (out.size() <= slot) {
                Histogram h = LoadTestResult.newHistogram();
                long from = result.startEpochMillis() + out.size() * (INTERVAL_NANOS / 1_000_000);
                h.setStartTimeStamp(from);
                h.setEndTimeStamp(from + INTERVAL_NANOS / 1_000_000);
                out.add(h);
            }
            out.get(slot).recordValue(Math.min(Math.max(r.latencyNanos(), 0), LoadTestResult.HIGHEST_TRACKABLE_NANOS));
        }
        return out;
    }

    public static void write(Path file, LoadTestResult result) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            HistogramLogWriter writer = new HistogramLogWriter(file.toFile());
            try {
                writer.outputComment("miniserve loadtest: latency in nanoseconds from each request's intended start; "
                        + result.spec().loop().name().toLowerCase() + " loop against " + result.spec().target());
                writer.outputLogFormatVersion();
                writer.outputStartTime(result.startEpochMillis());
                writer.setBaseTime(result.startEpochMillis());
                writer.outputLegend();
                for (Histogram h : intervals(result)) writer.outputIntervalHistogram(h);
            } finally {
                writer.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write histogram log " + file, e);
        }
    }
}
