package miniserve.lab;

import miniserve.loadtest.LoadTestResult;
import org.HdrHistogram.Histogram;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The runs of one configuration and their medians (the lab reports the median over repetitions).
 *
 * @param warmupRequests warm-up requests sent to this configuration's servers before their runs
 * @param warmupOk       how many of them were answered 200
 * @param equalLoadRuns  the open-loop runs at a share of the baseline's throughput, one per repetition (or none)
 */
public record ConfigSummary(ServerConfig config, List<RunResult> runs, int warmupRequests, int warmupOk,
                            List<RunResult> equalLoadRuns) {

    public ConfigSummary(ServerConfig config, List<RunResult> runs) {
        this(config, runs, 0, 0, List.of());
    }

    public ConfigSummary(ServerConfig config, List<RunResult> runs, int warmupRequests, int warmupOk) {
        this(config, runs, warmupRequests, warmupOk, List.of());
    }

    public ConfigSummary {
        if (runs.isEmpty()) throw new IllegalArgumentException("no run for " + config.describe());
        runs = List.copyOf(runs);
        equalLoadRuns = List.copyOf(equalLoadRuns);
    }

    public double p50() { return median(r -> r.latencyMillis(50)); }
    public double p95() { return median(r -> r.latencyMillis(95)); }
    public double p99() { return median(r -> r.latencyMillis(99)); }
    public double meanLatency() { return median(RunResult::meanMillis); }
    public double throughput() { return median(RunResult::throughput); }
    public double meanBatchSize() { return median(r -> r.batch().meanBatchSize()); }
    public double meanBatchFill() { return median(r -> r.batch().meanFill(config.maxBatch())); }
    public double tokensComputed() { return median(r -> r.batch().tokensComputed()); }
    public double tokensUseful() { return median(r -> r.batch().tokensUseful()); }
    public double tokensPadding() { return median(r -> r.batch().tokensPadding()); }
    public double tokensAfterEnd() { return median(r -> r.batch().tokensAfterEnd()); }
    public double usefulFraction() { return median(r -> r.batch().usefulFraction()); }
    public double meanQueueWaitMillis() { return median(r -> r.batch().meanQueueWaitMillis()); }
    public double meanBatchModelMillis() { return median(r -> r.batch().meanBatchModelMillis()); }
    public double peakQueueDepth() { return median(RunResult::peakQueueDepth); }

    /** Requests of the closed-loop runs (the lab's load). */
    public long planned() { return runs.stream().mapToLong(RunResult::planned).sum(); }
    public long ok() { return runs.stream().mapToLong(RunResult::ok).sum(); }
    public long failed() { return runs.stream().mapToLong(RunResult::failed).sum(); }

    /** Requests of the equal-load runs. */
    public long equalLoadPlanned() { return equalLoadRuns.stream().mapToLong(RunResult::planned).sum(); }
    public long equalLoadOk() { return equalLoadRuns.stream().mapToLong(RunResult::ok).sum(); }

    public boolean hasEqualLoad() {
        return !equalLoadRuns.isEmpty();
    }

    /** The median of a figure over the equal-load runs, or NaN without any. */
    public double equalLoad(ToDoubleFunction<RunResult> figure) {
        return median(equalLoadRuns.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).toArray());
    }

    /** Every run's latencies in one histogram (for CDFs). */
    public Histogram pooledLatency() {
        Histogram h = LoadTestResult.newHistogram();
        for (RunResult r : runs) h.add(r.latency());
        return h;
    }

    /** Batches per size bucket summed over the runs. */
    public Map<Double, Double> pooledBatchSizes() {
        Map<Double, Double> out = new TreeMap<>();
        for (RunResult r : runs) r.batch().sizeBuckets().forEach((k, v) -> out.merge(k, v, Double::sum));
        return out;
    }

    /** Forward passes per fill bucket (see {@link BatchStats#fillBuckets}) summed over the runs. */
    public Map<Double, Double> pooledFill() {
        Map<Double, Double> out = new TreeMap<>();
        for (RunResult r : runs) r.batch().fillBuckets().forEach((k, v) -> out.merge(k, v, Double::sum));
        return out;
    }

    /** Median over the runs of the mean share of the batch's rows that computed something needed per pass. */
    public double meanIterationFill() { return median(r -> r.batch().meanIterationFill()); }

    /** Median over the runs of the mean time to first token, in ms. */
    public double meanFirstTokenMillis() { return median(r -> r.batch().meanFirstTokenMillis()); }

    /** The median over runs of a figure, ignoring NaN (a figure the server does not report); NaN if none. */
    public double median(ToDoubleFunction<RunResult> figure) {
        return median(runs.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).toArray());
    }

    public static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
