package miniserve.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code batch_sweep.csv} (medians per configuration), {@code batch_sweep_runs.csv} (every run) and, in
 * lab 03, {@code rate_sweep.csv} (the open-loop rate sweep).
 */
public final class CsvReports {

    public static final List<String> SUMMARY_COLUMNS = List.of(
            "config", "mode", "scheduler", "max_batch", "max_wait_ms", "runs",
            "p50_ms", "p95_ms", "p99_ms", "throughput_rps",
            "mean_batch_size", "mean_batch_fill", "mean_pass_fill", "mean_time_to_first_token_ms",
            "tokens_computed", "tokens_useful", "tokens_padding", "tokens_after_end", "useful_fraction",
            "mean_queue_wait_ms", "mean_batch_model_ms", "peak_queue_depth",
            "requests", "ok", "failed",
            "equal_load_rate_rps", "equal_load_throughput_rps", "equal_load_p50_ms", "equal_load_p95_ms", "equal_load_p99_ms");

    public static final List<String> RUN_COLUMNS = List.of(
            "config", "mode", "scheduler", "max_batch", "max_wait_ms", "repetition", "loop", "offered_rate_rps",
            "requests", "ok", "non_200", "timeouts", "errors", "wall_s", "throughput_rps",
            "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms",
            "batches", "mean_batch_size", "mean_batch_fill", "mean_pass_fill", "mean_time_to_first_token_ms",
            "tokens_computed", "tokens_useful", "tokens_padding", "tokens_after_end", "useful_fraction",
            "mean_queue_wait_ms", "mean_batch_model_ms", "peak_queue_depth");

    private CsvReports() {}

    public static void writeSummary(Path file, List<ConfigSummary> configs) {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", SUMMARY_COLUMNS));
        for (ConfigSummary c : configs) {
            ServerConfig k = c.config();
            lines.add(String.join(",",
                    k.label(), k.mode().flag(), schedulerField(k), batchField(k), waitField(k), Integer.toString(c.runs().size()),
                    num(c.p50()), num(c.p95()), num(c.p99()), num(c.throughput()),
                    num(c.meanBatchSize()), num(c.meanBatchFill()), num(c.meanIterationFill()), num(c.meanFirstTokenMillis()),
                    num(c.tokensComputed()), num(c.tokensUseful()), num(c.tokensPadding()), num(c.tokensAfterEnd()),
                    num(c.usefulFraction()), num(c.meanQueueWaitMillis()), num(c.meanBatchModelMillis()),
                    num(c.peakQueueDepth()),
                    Long.toString(c.planned()), Long.toString(c.ok()), Long.toString(c.failed()),
                    num(c.equalLoad(RunResult::offeredRate)), num(c.equalLoad(RunResult::throughput)),
                    num(c.equalLoad(r -> r.latencyMillis(50))), num(c.equalLoad(r -> r.latencyMillis(95))),
                    num(c.equalLoad(r -> r.latencyMillis(99)))));
        }
        write(file, lines);
    }

    public static void writeRuns(Path file, List<RunResult> runs) {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", RUN_COLUMNS));
        for (RunResult r : runs) {
            ServerConfig k = r.config();
            BatchStats b = r.batch();
            lines.add(String.join(",",
                    k.label(), k.mode().flag(), schedulerField(k), batchField(k), waitField(k), Integer.toString(r.repetition()),
                    r.openLoop() ? "open" : "closed", num(r.offeredRate()),
                    Integer.toString(r.planned()), Long.toString(r.ok()), Long.toString(r.non200()),
                    Long.toString(r.timeouts()), Long.toString(r.errors()), num(r.wallSeconds()), num(r.throughput()),
                    num(r.latencyMillis(50)), num(r.latencyMillis(95)), num(r.latencyMillis(99)), num(r.maxMillis()),
                    num(r.meanMillis()),
                    num(b.batches()), num(b.meanBatchSize()), num(b.meanFill(k.maxBatch())), num(b.meanIterationFill()),
                    num(b.meanFirstTokenMillis()),
                    num(b.tokensComputed()), num(b.tokensUseful()), num(b.tokensPadding()), num(b.tokensAfterEnd()),
                    num(b.usefulFraction()), num(b.meanQueueWaitMillis()), num(b.meanBatchModelMillis()),
                    num(r.peakQueueDepth())));
        }
        write(file, lines);
    }

    public static final List<String> RATE_COLUMNS = List.of(
            "config", "scheduler", "max_batch", "fraction_of_static_throughput", "offered_rate_rps",
            "requests", "ok", "non_200", "timeouts", "errors", "throughput_rps",
            "p50_ms", "p95_ms", "p99_ms", "slo_ms", "goodput_rps");

    /** Lab 03's rate sweep: one row per scheduler and offered rate. */
    public static void writeRateSweep(Path file, List<SweepResult.RatePoint> points, double sloMillis) {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", RATE_COLUMNS));
        for (SweepResult.RatePoint p : points) {
            RunResult r = p.run();
            ServerConfig k = p.config();
            lines.add(String.join(",", k.label(), schedulerField(k), batchField(k), num(p.fraction()), num(r.offeredRate()),
                    Integer.toString(r.planned()), Long.toString(r.ok()), Long.toString(r.non200()), Long.toString(r.timeouts()),
                    Long.toString(r.errors()), num(r.throughput()), num(r.latencyMillis(50)), num(r.latencyMillis(95)),
                    num(r.latencyMillis(99)), num(sloMillis), num(r.goodput(sloMillis))));
        }
        write(file, lines);
    }

    /** {@code static}, {@code static-all-ended}, {@code continuous}, or empty for the baseline. */
    private static String schedulerField(ServerConfig k) {
        return switch (k.kind()) {
            case UNBATCHED -> "";
            case STATIC -> "static";
            case STATIC_ALL_ENDED -> "static-all-ended";
            case CONTINUOUS -> "continuous";
        };
    }

    /** The baseline has no max_batch or max_wait_ms: those cells stay empty. */
    private static String batchField(ServerConfig k) {
        return k.unbatched() ? "" : Integer.toString(k.maxBatch());
    }

    private static String waitField(ServerConfig k) {
        return k.unbatched() ? "" : Integer.toString(k.maxWaitMs());
    }

    /** Four decimals at most, no exponent; a figure the server did not report is an empty cell. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static void write(Path file, List<String> lines) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
