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
 */
public record SweepResult(LabSettings settings, List<ConfigSummary> configs, Instant started, Instant finished,
                          Manifest.Environment environment, Manifest.Git git, Manifest.Model model,
                          Manifest.WorkloadInfo workload, List<Manifest.Timing> timings) {

    /** Every run: each configuration's closed-loop repetitions, then its equal-load runs if any. */
    public List<RunResult> runs() {
        List<RunResult> out = new ArrayList<>();
        for (ConfigSummary c : configs) {
            out.addAll(c.runs());
            out.addAll(c.equalLoadRuns());
        }
        return out;
    }
}
