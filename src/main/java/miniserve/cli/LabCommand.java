package miniserve.cli;

import miniserve.agent.TutorModel;
import miniserve.lab.Acceptance;
import miniserve.lab.LabOutputs;
import miniserve.lab.LabRunner;
import miniserve.lab.LabSettings;
import miniserve.lab.ServerConfig;
import miniserve.lab.ServerLauncher;
import miniserve.lab.SweepResult;
import miniserve.lab.WorkloadTokens;
import miniserve.loadtest.Workload;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.StopRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./miniserve lab}: the static-batching sweep of lab 02. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {
                "Runs lab 02's sweep: the unbatched baseline and static batching at (max_batch, max_wait_ms) = "
                        + "(1,0) (2,10) (4,10) (8,20) (16,20) (32,50), each measured --repetitions times with a closed loop of "
                        + "--concurrency clients x --total requests, every repetition on a freshly started, warmed-up server "
                        + "process, in rounds that take every configuration once (the baseline first).",
                "After each closed-loop run the same server also gets an open-loop run at --equal-load times the baseline's "
                        + "first throughput, which compares latency at equal offered load (in the closed loop, latency is "
                        + "clients / throughput).",
                "Writes batch_sweep.csv, batch_sweep_runs.csv, throughput_vs_batch.png, p95_vs_batch.png, "
                        + "latency_cdf_baseline_vs_batch8.png, batch_fill_histogram.png, p95_equal_load_vs_batch.png, "
                        + "manifest.json and acceptance.md (plus per-run summaries and histogram logs in runs/, server output "
                        + "in logs/) to --out.",
                "--quick runs a small version for CI: baseline, (1,0), (4,10), (8,20); one repetition of "
                        + LabCommand.QUICK_TOTAL + " requests; max_tokens " + LabCommand.QUICK_MAX_TOKENS + ".",
                "Exit status: 0 when the sweep ran (whatever the verdicts; they are in acceptance.md), 1 on an error."})
public final class LabCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    /**
     * Fixed generation length of the full sweep. It bounds the sweep's time (every request costs
     * max_tokens decode steps) and must cover the workload's corrections; see the manifest of the
     * committed run for the measurement behind it.
     */
    static final int DEFAULT_MAX_TOKENS = 48;
    static final int QUICK_MAX_TOKENS = 8;
    static final int QUICK_TOTAL = 100;
    static final int QUICK_WARMUP = 20;

    @Option(names = "--quick", description = "A small sweep for CI (about a minute or two with a small model).")
    boolean quick;

    @Option(names = "--out", description = "Output directory (default: experiments/<today>-phase-33-lab-02; "
            + "with --quick: target/lab-quick/<today>-phase-33-lab-02).")
    Path out;

    @Option(names = "--configs", description = "Comma-separated configurations instead of the lab's: 'unbatched' "
            + "and MAX_BATCH:MAX_WAIT_MS, e.g. unbatched,1:0,8:20.")
    String configs;

    @Option(names = "--repetitions", description = "Measured runs per configuration (default: 3; --quick: 1).")
    Integer repetitions;

    @Option(names = "--concurrency", defaultValue = "50", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--total", description = "Requests per run (default: 500; --quick: " + QUICK_TOTAL + ").")
    Integer total;

    @Option(names = "--warmup", description = "Warm-up requests per server, not measured (default: 100; --quick: " + QUICK_WARMUP + ").")
    Integer warmup;

    @Option(names = "--max-tokens", description = "Fixed generation length of every request (default: "
            + DEFAULT_MAX_TOKENS + "; --quick: " + QUICK_MAX_TOKENS + ").")
    Integer maxTokens;

    @Option(names = "--stop-rule", defaultValue = "fixed", paramLabel = "fixed|all-ended",
            description = "fixed (every row generates max_tokens: the lab's rule) or all-ended (default: ${DEFAULT-VALUE}).")
    String stopRule;

    @Option(names = "--threads", description = "Compute threads per server (default: the number of cores).")
    Integer threads;

    @Option(names = "--model-threads", description = "Batches in flight in each batched server, the compute threads shared "
            + "out among them: 1 = one batch split across every core, --threads = one single-threaded batch per core "
            + "(default: --threads).")
    Integer modelThreads;

    @Option(names = "--weights", defaultValue = "weights", description = "Model directory the servers load (default: ${DEFAULT-VALUE}).")
    Path weights;

    @Option(names = "--workload", description = "Sentences, one per line (default: data/workload/learner-sentences.txt, "
            + "or data/ud-ewt/dev.txt with a warning when that is missing).")
    Path workload;

    @Option(names = "--max-words", defaultValue = "" + Workload.DEFAULT_MAX_WORDS,
            description = "Leave out workload sentences longer than this many words; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int maxWords;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the request sequence (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout-ms", defaultValue = "120000",
            description = "A request with no answer after this long counts as a timeout (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--start-timeout", defaultValue = "180",
            description = "Seconds a server may take to listen and to become healthy (default: ${DEFAULT-VALUE}).")
    long startTimeoutSeconds;

    @Option(names = "--equal-load", defaultValue = "0.5",
            description = "After each closed-loop run, the same server also gets an open-loop run at this fraction of the "
                    + "baseline's first throughput, to compare latency at equal offered load; 0 = none (default: ${DEFAULT-VALUE}).")
    double equalLoad;

    @Option(names = "--equal-load-duration", description = "Seconds of each open-loop run (default: 20, about 350 requests at half the baseline's throughput, "
            + "and the check takes the median over the repetitions; --quick: 5).")
    Double equalLoadSeconds;

    @Option(names = "--server-java-opt", description = "Extra JVM option for the servers (repeatable), e.g. -Xmx2g.")
    List<String> serverJavaOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(weights))
            throw new IllegalArgumentException("weights directory '" + weights + "' not found; pass --weights DIR "
                    + "(a GPT-2 checkpoint directory with model.safetensors, config.json and the tokenizer files)");
        if (timeoutMs <= 0) throw new IllegalArgumentException("--timeout-ms must be positive");
        if (startTimeoutSeconds <= 0) throw new IllegalArgumentException("--start-timeout must be positive");
        String name = LocalDate.now() + "-phase-33-lab-02";
        Path dir = out != null ? out : quick ? Path.of("target", "lab-quick", name) : Path.of("experiments", name);
        Path workloadFile = Workload.resolveFile(workload, msg -> {
            err.println("miniserve lab: " + msg);
            err.flush();
        });
        Workload work = Workload.load(workloadFile, maxWords);

        int serverThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        LabSettings settings = new LabSettings(
                configs != null ? ServerConfig.parseList(configs) : quick ? ServerConfig.quickSweep() : ServerConfig.labSweep(),
                repetitions != null ? repetitions : quick ? 1 : 3,
                concurrency,
                total != null ? total : quick ? QUICK_TOTAL : 500,
                warmup != null ? warmup : quick ? QUICK_WARMUP : 100,
                maxTokens != null ? maxTokens : quick ? QUICK_MAX_TOKENS : DEFAULT_MAX_TOKENS,
                stopRule(), serverThreads, modelThreads != null ? modelThreads : serverThreads,
                weights, workloadFile, maxWords, seed, Duration.ofMillis(timeoutMs),
                Duration.ofSeconds(startTimeoutSeconds), quick, dir, serverJavaOptions, equalLoad,
                Duration.ofMillis(Math.round(1000 * (equalLoadSeconds != null ? equalLoadSeconds : quick ? 5 : 20))));

        // The server answers a sentence longer than its model takes (context minus max_tokens) with 413:
        // such requests measure nothing about batching and would fail the all-200 check, so they are left out.
        TutorModel model = TutorModel.load(weights);
        int limit = model.maxSentenceTokens(settings.maxTokens());
        work = work.withoutTooLong(s -> model.sentenceTokens(s) <= limit);

        console.printf("lab 02 sweep%s: %d configurations x %d repetitions x %d requests (%d clients), max_tokens %d, stop rule %s%n",
                quick ? " (quick)" : "", settings.configs().size(), settings.repetitions(), settings.total(),
                settings.concurrency(), settings.maxTokens(), settings.stopRule().flag());
        console.println("workload " + work.describe() + ", seed " + seed);
        WorkloadTokens tokens = WorkloadTokens.measure(work, weights, settings.maxTokens());
        if (tokens != null)
            console.printf(Locale.ROOT, "tokens   per sentence p50 %d, p95 %d, max %d: a same-length correction fits max_tokens %d for %.0f%% of them%n",
                    tokens.p50(), tokens.p95(), tokens.max(), settings.maxTokens(), tokens.coveredByMaxTokens() * 100);
        console.println("output   " + dir);
        console.flush();
        LabRunner runner = new LabRunner(settings, ServerLauncher.serve(settings, Main.class), console, isTerminal());
        SweepResult result = runner.run(work);
        List<Acceptance.Check> checks = LabOutputs.writeAll(result, dir);
        console.println();
        for (Acceptance.Check c : checks) console.printf("%-14s %s: %s%n", c.verdict(), c.title(), c.finding());
        console.printf("wrote %s (%s)%n", dir, String.join(", ", LabOutputs.outputs(result)));
        console.flush();
        return 0;
    }

    /** {@code --stop-rule}, refused with one line (not a usage message) when it is neither word. */
    private StopRule stopRule() {
        try {
            return ServeFlags.parse(StopRule.class, stopRule);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--stop-rule: " + e.getMessage());
        }
    }

    /** Whether stdout is a terminal (redraw the progress bar in place) rather than a file or a pipe. */
    private static boolean isTerminal() {
        Console c = System.console();
        if (c == null) return false;
        try { // Console.isTerminal() exists from JDK 22; before that a non-null console is a terminal
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
