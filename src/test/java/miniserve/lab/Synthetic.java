package miniserve.lab;

import miniserve.loadtest.LoadTestResult;
import miniserve.serving.ServeFlags;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Made-up sweep results with known figures, for testing what is computed and written from them. */
final class Synthetic {

    private Synthetic() {}

    /** A run whose latencies are spread evenly over [lowMs, highMs] and whose throughput is given. */
    static RunResult run(ServerConfig c, int rep, double throughput, double lowMs, double highMs, int requests, int failed,
                         double meanBatch) {
        Histogram h = LoadTestResult.newHistogram();
        for (int i = 0; i < requests; i++) h.recordValue((long) ((lowMs + (highMs - lowMs) * i / (requests - 1)) * 1e6));
        Map<Double, Double> buckets = new LinkedHashMap<>();
        double batches = Double.isNaN(meanBatch) ? Double.NaN : requests / meanBatch;
        if (!Double.isNaN(meanBatch)) {
            for (double b : new double[]{1, 2, 4, 8, 16, 32, 64}) buckets.put(b, 0.0);
            double bound = 1;
            while (bound < meanBatch) bound *= 2;
            buckets.put(bound, batches);
            buckets.put(Double.POSITIVE_INFINITY, 0.0);
        }
        BatchStats stats = new BatchStats(batches, Double.isNaN(meanBatch) ? Double.NaN : requests, buckets,
                requests * 32.0, requests * 12.0, requests * 2.0, requests * 20.0,
                requests * 0.02, requests, batches * 0.3, batches, Map.of(), requests * 0.1, requests);
        return new RunResult(c, rep, requests, requests - failed, failed, 0, 0, Map.of(200, (long) (requests - failed)),
                requests / throughput, throughput, h, stats, Double.isNaN(meanBatch) ? Double.NaN : 50 - meanBatch, Double.NaN,
                failed == 0 ? h.copy() : LoadTestResult.newHistogram());
    }

    /** An open-loop run at {@code rate} whose latencies spread evenly up to about {@code p95Ms / 0.95}. */
    static RunResult equalLoad(ServerConfig c, double rate, double p95Ms) {
        RunResult r = run(c, 1, rate, p95Ms * 0.5, p95Ms * 1.0263, 200, 0, c.unbatched() ? 1 : 2.5);
        return new RunResult(r.config(), 1, r.planned(), r.ok(), r.non200(), r.timeouts(), r.errors(), r.statusCounts(),
                r.wallSeconds(), r.throughput(), r.latency(), r.batch(), 3, rate, r.okLatency());
    }

    /** The same configuration with an equal-load run added. */
    static ConfigSummary withEqualLoad(ConfigSummary c, double rate, double p95Ms) {
        return new ConfigSummary(c.config(), c.runs(), c.warmupRequests(), c.warmupOk(), List.of(equalLoad(c.config(), rate, p95Ms)));
    }

    /** One configuration run three times around the given figures (the middle run has them exactly). */
    static ConfigSummary config(ServerConfig c, double throughput, double p95Ms, double meanBatch) {
        List<RunResult> runs = new ArrayList<>();
        double[] scale = {0.97, 1.0, 1.04};
        for (int rep = 1; rep <= 3; rep++) {
            double s = scale[rep - 1];
            // evenly spread from 0.5 x p95 to about 1.05 x p95, so the 95th percentile is near p95
            runs.add(run(c, rep, throughput * s, p95Ms * 0.5 * s, p95Ms * s * 1.0263, 500, 0, meanBatch));
        }
        return new ConfigSummary(c, runs, 100, 100);
    }

    /** A sweep that behaves as the lab expects: throughput rises then saturates, p95 rises. */
    static List<ConfigSummary> goodSweep() {
        return List.of(
                config(ServerConfig.baseline(), 10, 5000, 1),
                config(ServerConfig.batched(1, 0), 9.8, 5100, 1),
                config(ServerConfig.batched(2, 10), 17, 5600, 2),
                config(ServerConfig.batched(4, 10), 27, 6500, 3.9),
                config(ServerConfig.batched(8, 20), 33, 7800, 7.6),
                config(ServerConfig.batched(16, 20), 35, 9500, 14),
                config(ServerConfig.batched(32, 50), 35.5, 12000, 24));
    }

    static SweepResult sweep(List<ConfigSummary> configs, LabSettings settings) {
        Manifest.Git git = new Manifest.Git("0123456789abcdef0123456789abcdef01234567", false, List.of());
        Manifest.WorkloadInfo workload = new Manifest.WorkloadInfo("data/workload/learner-sentences.txt", null, 997, 40, 0, 3,
                settings.seed(), WorkloadTokens.of(new int[]{5, 10, 20, 40}, 32), "the same requests in every run");
        List<Manifest.Timing> timings = new ArrayList<>();
        for (ConfigSummary c : configs) timings.add(new Manifest.Timing(c.config().label(), 1, 1.5, 0.1, 2.5, 9.0, null, 12.5));
        return new SweepResult(settings, configs, Instant.parse("2025-01-02T10:00:00Z"), Instant.parse("2025-01-02T10:12:00Z"),
                Manifest.Environment.capture(), git, new Manifest.Model("weights", null, List.of()), workload, timings);
    }

    static LabSettings settings(List<ConfigSummary> configs, java.nio.file.Path out) {
        return new LabSettings(configs.stream().map(ConfigSummary::config).toList(), 3, 50, 500, 100, 32, ServeFlags.StopRule.FIXED, 2, 2,
                java.nio.file.Path.of("weights"), java.nio.file.Path.of("data/workload/learner-sentences.txt"), 40, 42,
                java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(60), false, out, List.of(), 0, java.time.Duration.ZERO,
                0, null);
    }
}
