package miniserve.lab;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A finished sweep: the settings, every configuration's runs, and what the manifest needs
 * (environment and git state captured before the run, timings).
 *
 * @param workload  file, seed, sentence count and hash of the workload
 * @param timings   per server process (a configuration's repetition): start, health, warm-up and run durations
 */
public record SweepResult(LabSettings settings, List<ConfigSummary> configs, Instant started, Instant finished,
                          Map<String, Object> environment, Map<String, Object> git, Map<String, Object> model,
                          Map<String, Object> workload, List<Map<String, Object>> timings) {

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
