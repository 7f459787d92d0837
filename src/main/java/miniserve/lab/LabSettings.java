package miniserve.lab;

import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.ModelThread;
import miniserve.serving.ServeFlags.StopRule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a sweep is run with; recorded in the manifest.
 *
 * @param maxTokens      fixed generation length passed to every server ({@code --max-tokens})
 * @param stopRule       {@code fixed} (every row generates maxTokens; the lab's rule) or {@code all-ended}
 * @param threads        compute threads of each server ({@code --threads})
 * @param modelThreads   batches in flight in each batched server ({@code --model-threads}, 1..threads): 1 splits
 *                       every matmul of one batch over all the threads, {@code threads} runs one single-threaded
 *                       batch per core
 * @param warmup         requests sent to each fresh server before its measured runs
 * @param serverJavaOptions extra JVM options for the server processes
 * @param equalLoadFraction after each closed-loop run, the same server also gets an open-loop run at this
 *                          fraction of the baseline's first throughput (0 = none), to compare latency at equal load
 * @param equalLoadDuration how long each open-loop run offers requests
 */
public record LabSettings(List<ServerConfig> configs, int repetitions, int concurrency, int total, int warmup,
                          int maxTokens, StopRule stopRule, int threads, int modelThreads, Path weights, Path workloadFile, int maxWords,
                          long seed, Duration requestTimeout, Duration startTimeout, boolean quick, Path out,
                          List<String> serverJavaOptions, double equalLoadFraction, Duration equalLoadDuration) {

    public LabSettings {
        if (configs.isEmpty()) throw new IllegalArgumentException("no configuration to run");
        if (repetitions < 1) throw new IllegalArgumentException("--repetitions must be >= 1, got " + repetitions);
        if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be >= 1, got " + concurrency);
        if (total < 1) throw new IllegalArgumentException("--total must be >= 1, got " + total);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        if (stopRule == null) throw new IllegalArgumentException("no stop rule");
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (modelThreads < 1 || modelThreads > threads)
            throw new IllegalArgumentException("--model-threads must be between 1 and --threads (" + threads + "), got " + modelThreads);
        if (!(equalLoadFraction >= 0 && equalLoadFraction <= 1))
            throw new IllegalArgumentException("--equal-load must be a fraction in 0..1 (0 = off), got " + equalLoadFraction);
        if (equalLoadFraction > 0 && !(equalLoadDuration.toMillis() > 0))
            throw new IllegalArgumentException("--equal-load-duration must be positive");
        // the baseline runs first: its throughput sets the equal load of the others
        List<ServerConfig> ordered = new ArrayList<>(configs.stream().filter(ServerConfig::unbatched).toList());
        ordered.addAll(configs.stream().filter(c -> !c.unbatched()).toList());
        configs = List.copyOf(ordered);
        serverJavaOptions = List.copyOf(serverJavaOptions);
    }

    /** The same settings without the equal-load runs. */
    public LabSettings withoutEqualLoad() {
        return new LabSettings(configs, repetitions, concurrency, total, warmup, maxTokens, stopRule, threads, modelThreads, weights,
                workloadFile, maxWords, seed, requestTimeout, startTimeout, quick, out, serverJavaOptions, 0, Duration.ZERO);
    }

    /**
     * How a server for {@code config} is started: on a free port, with the sweep's weights, generation
     * settings and threads; the queue and the model thread as {@code serve}'s defaults; the learner
     * history in a file of the lab's own ({@link LabHistory}).
     */
    public ServeFlags serveFlags(ServerConfig config) {
        return new ServeFlags(ServeFlags.DEFAULT_HOST, 0, weights.toAbsolutePath(), config.mode(), ServeFlags.Scheduler.STATIC,
                config.maxBatch(), config.maxWaitMs(), ServeFlags.DEFAULT_PREFILL_TOKENS, ServeFlags.DEFAULT_MAX_QUEUE,
                ServeFlags.DEFAULT_REQUEST_TIMEOUT_MS, maxTokens, stopRule, threads, config.unbatched() ? null : modelThreads,
                ModelThread.PLATFORM, LabHistory.FILE, null, false);
    }

    /**
     * The SQLite file of the learner history of this JVM's lab servers, deleted when it exits: the
     * load test's learners stay out of the user's own history.
     */
    private static final class LabHistory {
        static final Path FILE = create();

        private static Path create() {
            try {
                Path file = Files.createTempFile("miniserve-lab-history-", ".db");
                for (String suffix : List.of("", "-wal", "-shm")) Path.of(file + suffix).toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a history file for the lab's servers", e);
            }
        }
    }

    /** Measured requests over the whole sweep. */
    public long measuredRequests() {
        return (long) configs.size() * repetitions * total;
    }
}
