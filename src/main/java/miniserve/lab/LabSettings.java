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
 * @param stretchPairs      runs of the two single-row servers (the baseline and static max_batch=1), alternated in
 *                          pairs, for the stretch check: the rounds give {@code repetitions} pairs, and this many in all
 *                          are run (the extra ones closed loop only)
 * @param rateSweep         lab 03's open-loop rate sweep, or null (lab 02)
 */
public record LabSettings(List<ServerConfig> configs, int repetitions, int concurrency, int total, int warmup,
                          int maxTokens, StopRule stopRule, int threads, int modelThreads, Path weights, Path workloadFile, int maxWords,
                          long seed, Duration requestTimeout, Duration startTimeout, boolean quick, Path out,
                          List<String> serverJavaOptions, double equalLoadFraction, Duration equalLoadDuration,
                          int stretchPairs, RateSweep rateSweep) {

    /**
     * Lab 03's open loop: at {@code maxBatch}, every scheduler swept over offered rates that are the given
     * fractions of static batching's (fixed max_tokens) median closed-loop throughput there, each rate on a
     * fresh server warmed up with {@code warmup} requests and offered load for {@code duration}. A request
     * counts towards goodput when it is answered 200 within {@code sloMillis}. The closed-loop runs of that
     * max_batch also record the server's pass trace, for the timeline.
     */
    public record RateSweep(int maxBatch, List<Double> fractions, Duration duration, int warmup, double sloMillis) {
        public RateSweep {
            if (maxBatch < 1) throw new IllegalArgumentException("the rate sweep's max_batch must be >= 1, got " + maxBatch);
            if (fractions.isEmpty() || fractions.stream().anyMatch(f -> !(f > 0)))
                throw new IllegalArgumentException("the rate sweep needs positive fractions, got " + fractions);
            if (!(duration.toMillis() > 0)) throw new IllegalArgumentException("the rate sweep's runs need a positive duration");
            if (warmup < 0) throw new IllegalArgumentException("the rate sweep's warm-up must be >= 0, got " + warmup);
            if (!(sloMillis > 0)) throw new IllegalArgumentException("--slo-ms must be positive, got " + sloMillis);
            fractions = fractions.stream().sorted().toList();
        }
    }

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
        if (stretchPairs < 0) throw new IllegalArgumentException("--stretch-pairs must be >= 0, got " + stretchPairs);
    }

    /** 3 with a rate sweep, else 2. */
    public int lab() {
        return rateSweep != null ? 3 : 2;
    }

    /** The same settings without the equal-load runs. */
    public LabSettings withoutEqualLoad() {
        return new LabSettings(configs, repetitions, concurrency, total, warmup, maxTokens, stopRule, threads, modelThreads, weights,
                workloadFile, maxWords, seed, requestTimeout, startTimeout, quick, out, serverJavaOptions, 0, Duration.ZERO,
                stretchPairs, rateSweep);
    }

    /**
     * How a server for {@code config} is started: on a free port, with the sweep's weights, generation
     * settings and threads (static batching to the last row's end with that stop rule instead of the
     * sweep's); the prefill budget, the queue, the request timeout and the model thread as {@code serve}'s
     * defaults; the learner history in a file of the lab's own ({@link LabHistory}).
     */
    public ServeFlags serveFlags(ServerConfig config) {
        StopRule rule = config.kind() == ServerConfig.Kind.STATIC_ALL_ENDED ? StopRule.ALL_ENDED : stopRule;
        return new ServeFlags(ServeFlags.DEFAULT_HOST, 0, weights.toAbsolutePath(), config.mode(), config.scheduler(),
                config.maxBatch(), config.maxWaitMs(), ServeFlags.DEFAULT_PREFILL_TOKENS, ServeFlags.DEFAULT_MAX_QUEUE,
                ServeFlags.DEFAULT_REQUEST_TIMEOUT_MS, maxTokens, rule, threads, config.unbatched() ? null : modelThreads,
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

    /** The configuration of {@code kind} at the rate sweep's max_batch, if the sweep has it. */
    public java.util.Optional<ServerConfig> rateSweepConfig(ServerConfig.Kind kind) {
        return rateSweep == null ? java.util.Optional.empty()
                : configs.stream().filter(c -> c.kind() == kind && c.maxBatch() == rateSweep.maxBatch()).findFirst();
    }

    /** Measured requests over the whole sweep. */
    public long measuredRequests() {
        return (long) configs.size() * repetitions * total;
    }
}
