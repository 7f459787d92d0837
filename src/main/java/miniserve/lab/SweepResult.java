package miniserve.lab;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished sweep: the settings, every configuration's runs, and what the manifest needs
 * (environment and git state captured before the run, timings).
 *
 * @param workload  file, seed, sentence count and hash of the workload
 * @param timings   per server process (a configuration's repetition): start, health, warm-up and run durations
 * @param rateSweep lab 03's open-loop runs, each scheduler at each offered rate (empty in lab 02)
 * @param traces    lab 03's windows of forward passes, one per scheduler at the rate sweep's max_batch (empty in lab 02)
 */
public record SweepResult(LabSettings settings, List<ConfigSummary> configs, Instant started, Instant finished,
                          Manifest.Environment environment, Manifest.Git git, Manifest.Model model,
                          Manifest.WorkloadInfo workload, List<Manifest.Timing> timings,
                          List<RatePoint> rateSweep, List<TraceWindow> traces) {

    /** One open-loop run of the rate sweep: {@code fraction} of static batching's closed-loop throughput, offered to {@code config}. */
    public record RatePoint(ServerConfig config, double fraction, RunResult run) {}

    public SweepResult {
        rateSweep = List.copyOf(rateSweep);
        traces = List.copyOf(traces);
    }

    /** A sweep without a rate sweep or traces (lab 02). */
    public SweepResult(LabSettings settings, List<ConfigSummary> configs, Instant started, Instant finished,
                       Manifest.Environment environment, Manifest.Git git, Manifest.Model model,
                       Manifest.WorkloadInfo workload, List<Manifest.Timing> timings) {
        this(settings, configs, started, finished, environment, git, model, workload, timings, List.of(), List.of());
    }

    /** Every run: each configuration's closed-loop repetitions, then its equal-load runs if any, then the rate sweep's. */
    public List<RunResult> runs() {
        List<RunResult> out = new ArrayList<>();
        for (ConfigSummary c : configs) {
            out.addAll(c.runs());
            out.addAll(c.equalLoadRuns());
        }
        for (RatePoint p : rateSweep) out.add(p.run());
        return out;
    }
}
