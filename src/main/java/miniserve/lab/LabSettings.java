package miniserve.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a sweep is run with; recorded in the manifest.
 *
 * @param maxTokens      fixed generation length passed to every server ({@code --max-tokens})
 * @param stopRule       {@code fixed} (every row generates maxTokens; the lab's rule) or {@code all-ended}
 * @param threads        compute threads of each server ({@code --threads})
 * @param warmup         requests sent to each fresh server before its measured runs
 * @param serverJavaOptions extra JVM options for the server processes
 */
public record LabSettings(List<ServerConfig> configs, int repetitions, int concurrency, int total, int warmup,
                          int maxTokens, String stopRule, int threads, Path weights, Path workloadFile, int maxWords,
                          long seed, Duration requestTimeout, Duration startTimeout, boolean quick, Path out,
                          List<String> serverJavaOptions) {

    public LabSettings {
        if (configs.isEmpty()) throw new IllegalArgumentException("no configuration to run");
        if (repetitions < 1) throw new IllegalArgumentException("--repetitions must be >= 1, got " + repetitions);
        if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be >= 1, got " + concurrency);
        if (total < 1) throw new IllegalArgumentException("--total must be >= 1, got " + total);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        if (!stopRule.equals("fixed") && !stopRule.equals("all-ended"))
            throw new IllegalArgumentException("--stop-rule must be 'fixed' or 'all-ended', got '" + stopRule + "'");
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        configs = List.copyOf(configs);
        serverJavaOptions = List.copyOf(serverJavaOptions);
    }

    /** Measured requests over the whole sweep. */
    public long measuredRequests() {
        return (long) configs.size() * repetitions * total;
    }
}
