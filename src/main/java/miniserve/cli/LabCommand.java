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
import miniserve.serving.ProjectRoot;
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

/** {@code ./miniserve lab}: lab 02's static-batching sweep, or lab 03's continuous batching against static batching. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {
                "Runs a lab on fresh server processes: 02, static batching against the unbatched baseline, or 03, "
                        + "continuous against static batching.",
                "--lab 02 (the default) runs lab 02's sweep: the unbatched baseline and static batching at (max_batch, max_wait_ms) = "
                        + "(1,0) (2,10) (4,10) (8,20) (16,20) (32,50), each measured --repetitions times with a closed loop of "
                        + "--concurrency clients x --total requests, every repetition on a freshly started, warmed-up server "
                        + "process, in rounds that take every configuration once (the baseline first). After each closed-loop run "
                        + "the same server also gets an open-loop run at --equal-load times the baseline's first throughput (check 2 "
                        + "judges latency there; in the closed loop, latency is clients / throughput). The baseline and max_batch=1 "
                        + "run --stretch-pairs alternated pairs in all, for the stretch check's confidence interval.",
                "--lab 03 runs lab 03: the baseline, and at each of those max_batch values static batching with the fixed "
                        + "max_tokens rule, static batching stopping at its last row's end and continuous batching, in the same "
                        + "rounds; then an open-loop rate sweep at --rate-max-batch: offered rates of --rate-fractions times static "
                        + "batching's closed-loop throughput there, each scheduler on a fresh server per rate, with goodput under "
                        + "--slo-ms. The runs at --rate-max-batch also keep a window of the server's pass trace for the timeline.",
                "Writes CSVs, PNG plots, manifest.json and acceptance.md (plus per-run summaries and histogram logs in runs/, "
                        + "server output in logs/) to --out.",
                "--quick runs a small version for CI (one repetition of " + LabCommand.QUICK_TOTAL + " requests, max_tokens "
                        + LabCommand.QUICK_MAX_TOKENS + "; lab 02: baseline, (1,0), (4,10), (8,20); lab 03: max_batch 2 and 8, two "
                        + "rates of " + LabCommand.QUICK_RATE_SECONDS + " s).",
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
    static final int QUICK_RATE_SECONDS = 2;
    /**
     * Lab 03's warm-up per server. A running batch computes passes of every size (its rows' decode tokens plus
     * whatever prompts join), so the JIT takes longer to settle on its code than on a static batch's few
     * shapes: measured on a fresh continuous server (max_tokens 8) at 8 req/s, the first 5 s had a p95 of 800 ms, the third
     * 61 ms (static: 432 and 71 ms).
     */
    static final int LAB03_WARMUP = 200;
    static final int QUICK_RATE_WARMUP = 40;
    /** Lab 02's stretch check: alternated pairs of the two single-row servers, the rounds' included. */
    static final int STRETCH_PAIRS = 6;
    /** Lab 03's offered rates, as fractions of static batching's closed-loop throughput: three below its saturation, one at it, one past. */
    static final List<Double> RATE_FRACTIONS = List.of(0.25, 0.5, 0.75, 1.0, 1.5);
    static final List<Double> QUICK_RATE_FRACTIONS = List.of(0.5, 1.5);

    @Option(names = "--lab", defaultValue = "02", paramLabel = "02|03", description = "Which lab (default: ${DEFAULT-VALUE}).")
    String lab;

    @Option(names = "--quick", description = "A small sweep for CI (about a minute or two with a small model).")
    boolean quick;

    @Option(names = "--out", description = "Output directory (default: experiments/<today>-phase-33-lab-0N; "
            + "with --quick: target/lab-quick/<today>-phase-33-lab-0N).")
    Path out;

    @Option(names = "--configs", description = "Comma-separated configurations instead of the lab's: 'unbatched', "
            + "MAX_BATCH:MAX_WAIT_MS (static batching), ended:MAX_BATCH:MAX_WAIT_MS (static, to the last row's end) and "
            + "cont:MAX_BATCH (continuous), e.g. unbatched,1:0,8:20,cont:8.")
    String configs;

    @Option(names = "--repetitions", description = "Measured runs per configuration (default: 3; --quick: 1).")
    Integer repetitions;

    @Option(names = "--concurrency", defaultValue = "50", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--total", description = "Requests per run (default: 500; --quick: " + QUICK_TOTAL + ").")
    Integer total;

    @Option(names = "--warmup", description = "Warm-up requests per server, not measured (default: lab 02 100, lab 03 "
            + LAB03_WARMUP + "; --quick: " + QUICK_WARMUP + ").")
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

    @Option(names = "--equal-load",
            description = "After each closed-loop run, the same server also gets an open-loop run at this fraction of the "
                    + "baseline's first throughput, to compare latency at equal offered load; 0 = none (default: lab 02 0.5, lab 03 0).")
    Double equalLoad;

    @Option(names = "--stretch-pairs", description = "Lab 02: runs of the baseline and max_batch=1 in alternated pairs, "
            + "the rounds' included (default: " + STRETCH_PAIRS + "; --quick: 2).")
    Integer stretchPairs;

    @Option(names = "--rate-max-batch", defaultValue = "8", description = "Lab 03: max_batch of the rate sweep (default: ${DEFAULT-VALUE}).")
    int rateMaxBatch;

    @Option(names = "--rate-fractions", split = ",", description = "Lab 03: the offered rates as fractions of static batching's "
            + "closed-loop throughput at --rate-max-batch (default: 0.25,0.5,0.75,1,1.5; --quick: 0.5,1.5).")
    List<Double> rateFractions;

    @Option(names = "--rate-duration", description = "Lab 03: seconds of each open-loop run of the rate sweep (default: 10; --quick: "
            + QUICK_RATE_SECONDS + ").")
    Double rateSeconds;

    @Option(names = "--rate-warmup", description = "Lab 03: warm-up requests of each rate sweep server, a closed loop of --concurrency "
            + "clients (default: " + LAB03_WARMUP + "; --quick: " + QUICK_RATE_WARMUP + ").")
    Integer rateWarmup;

    @Option(names = "--slo-ms", defaultValue = "1000",
            description = "Lab 03: the latency objective of goodput (requests answered 200 within it, per second). Default: ${DEFAULT-VALUE}.")
    double sloMs;

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
        int labNumber = switch (lab.strip()) {
            case "2", "02" -> 2;
            case "3", "03" -> 3;
            default -> throw new IllegalArgumentException("--lab must be 02 or 03, got '" + lab + "'");
        };
        String name = LocalDate.now() + "-phase-33-lab-0" + labNumber;
        Path dir = out != null ? out : ProjectRoot.resolve(quick ? Path.of("target", "lab-quick", name) : Path.of("experiments", name));
        Path workloadFile = Workload.resolveFile(workload, ProjectRoot::resolve, msg -> {
            err.println("miniserve lab: " + msg);
            err.flush();
        });
        Workload work = Workload.load(workloadFile, maxWords);

        int serverThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        List<ServerConfig> sweep = configs != null ? ServerConfig.parseList(configs)
                : labNumber == 3 ? (quick ? ServerConfig.lab03QuickSweep() : ServerConfig.lab03Sweep())
                : quick ? ServerConfig.quickSweep() : ServerConfig.labSweep();
        LabSettings.RateSweep rates = labNumber == 2 ? null : new LabSettings.RateSweep(rateMaxBatch,
                rateFractions != null ? rateFractions : quick ? QUICK_RATE_FRACTIONS : RATE_FRACTIONS,
                Duration.ofMillis(Math.round(1000 * (rateSeconds != null ? rateSeconds : quick ? QUICK_RATE_SECONDS : 10))),
                rateWarmup != null ? rateWarmup : quick ? QUICK_RATE_WARMUP : LAB03_WARMUP, sloMs);
        LabSettings settings = new LabSettings(
                sweep,
                repetitions != null ? repetitions : quick ? 1 : 3,
                concurrency,
                total != null ? total : quick ? QUICK_TOTAL : 500,
                warmup != null ? warmup : quick ? QUICK_WARMUP : labNumber == 3 ? LAB03_WARMUP : 100,
                maxTokens != null ? maxTokens : quick ? QUICK_MAX_TOKENS : DEFAULT_MAX_TOKENS,
                stopRule(), serverThreads, modelThreads != null ? modelThreads : serverThreads,
                weights, workloadFile, maxWords, seed, Duration.ofMillis(timeoutMs),
                Duration.ofSeconds(startTimeoutSeconds), quick, dir, serverJavaOptions,
                equalLoad != null ? equalLoad : labNumber == 2 ? 0.5 : 0,
                Duration.ofMillis(Math.round(1000 * (equalLoadSeconds != null ? equalLoadSeconds : quick ? 5 : 20))),
                labNumber == 3 ? 0 : stretchPairs != null ? stretchPairs : quick ? 2 : STRETCH_PAIRS, rates);

        // The server answers a sentence longer than its model takes (context minus max_tokens) with 413:
        // such requests measure nothing about batching and would fail the all-200 check, so they are left out.
        TutorModel model = TutorModel.load(weights);
        int limit = model.maxSentenceTokens(settings.maxTokens());
        work = work.withoutTooLong(s -> model.sentenceTokens(s) <= limit);

        console.printf("lab 0%d sweep%s: %d configurations x %d repetitions x %d requests (%d clients), max_tokens %d, stop rule %s%n",
                labNumber, quick ? " (quick)" : "", settings.configs().size(), settings.repetitions(), settings.total(),
                settings.concurrency(), settings.maxTokens(), settings.stopRule().flag());
        console.println("workload " + work.describe() + ", seed " + seed);
        WorkloadTokens tokens = WorkloadTokens.measure(work, weights, settings.maxTokens());
        if (tokens != null)
            console.printf(Locale.ROOT, "tokens   per sentence p50 %d, p95 %d, max %d: a same-length correction fits max_tokens %d for %.0f%% of them%n",
                    tokens.p50(), tokens.p95(), tokens.max(), settings.maxTokens(), tokens.coveredByMaxTokens() * 100);
        if (rates != null)
            console.printf(Locale.ROOT, "rates    at max_batch %d: %s x static batching's closed-loop throughput, %.0f s each, SLO %.0f ms%n",
                    rates.maxBatch(), rates.fractions(), rates.duration().toMillis() / 1000.0, rates.sloMillis());
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
