package miniserve.lab;

import miniserve.console.ProgressBar;
import miniserve.loadtest.ArrivalSchedule;
import miniserve.loadtest.HistogramLogs;
import miniserve.loadtest.LoadGenerator;
import miniserve.loadtest.LoadTestResult;
import miniserve.loadtest.LoadTestSpec;
import miniserve.loadtest.Workload;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the sweep in rounds, each round taking every configuration once (the baseline first): for
 * each repetition of a configuration a fresh server process, a health wait, a warm-up, the
 * measured closed-loop run and, if asked, the equal-load run (each bracketed by two {@code /metrics}
 * scrapes), then the server is stopped. Per-run summaries and histogram logs go to {@code runs/},
 * server output to {@code logs/}.
 */
public final class LabRunner {

    private static final Duration QUEUE_SAMPLE_INTERVAL = Duration.ofMillis(250);
    /** Without a terminal, the progress line is printed at each stage and at least this often. */
    private static final Duration PROGRESS_LINE_EVERY = Duration.ofSeconds(30);

    private final LabSettings settings;
    private final ServerLauncher launcher;
    private final PrintWriter console;
    private final boolean interactive;

    public LabRunner(LabSettings settings, ServerLauncher launcher, PrintWriter console, boolean interactive) {
        this.settings = settings;
        this.launcher = launcher;
        this.console = console;
        this.interactive = interactive;
    }

    /** Runs every configuration and returns the results; writes nothing but per-run files and logs. */
    public SweepResult run(Workload workload) throws InterruptedException {
        Path out = settings.out();
        Instant started = Instant.now();
        // captured before anything is written, so the experiment's own files do not count as changes
        Manifest.Git git = Manifest.Git.of(Path.of("").toAbsolutePath());
        Manifest.Environment environment = Manifest.Environment.capture();
        Manifest.Model model = Manifest.Model.of(settings.weights());
        Manifest.WorkloadInfo workloadInfo = Manifest.WorkloadInfo.of(workload, settings.seed(),
                WorkloadTokens.measure(workload, settings.weights(), settings.maxTokens()), settings.total());

        int n = settings.configs().size();
        int reps = settings.repetitions();
        List<List<RunResult>> runs = new ArrayList<>(), equalLoadRuns = new ArrayList<>();
        int[] warmupRequests = new int[n], warmupOk = new int[n];
        for (int i = 0; i < n; i++) {
            runs.add(new ArrayList<>());
            equalLoadRuns.add(new ArrayList<>());
        }
        List<Manifest.Timing> timings = new ArrayList<>();
        double equalLoadRate = Double.NaN; // set by the baseline, which runs first
        long done = 0;                     // progress units (requests) finished
        try (ProgressBar bar = new ProgressBar(console, interactive, PROGRESS_LINE_EVERY, (long) (settings.warmup() + settings.total()) * n * reps);
             LoadGenerator generator = new LoadGenerator()) {
            // In rounds, not configuration after configuration: the machine is shared and drifts by tens of
            // percent over minutes, and a configuration measured only during one slow stretch would carry it
            // in all its repetitions. A fresh server per repetition also samples the JVM's own variation.
            for (int rep = 1; rep <= reps; rep++) {
                for (int i = 0; i < n; i++) {
                    ServerConfig config = settings.configs().get(i);
                    String name = config.label() + "-r" + rep;
                    String where = "round " + rep + "/" + reps + ", config " + (i + 1) + "/" + n + " " + config.label();
                    double serverStart, healthWait, warmupSeconds, runWall;
                    Double equalLoadWall = null;
                    bar.stage(where + ": starting server");
                    long t0 = System.nanoTime();
                    try (ServerProcess server = ServerProcess.start(launcher.command(config),
                            out.resolve("logs").resolve(name + ".log"), settings.startTimeout())) {
                        serverStart = seconds(t0);
                        long t1 = System.nanoTime();
                        server.awaitHealthy(settings.startTimeout());
                        healthWait = seconds(t1);
                        LoadTestSpec spec = LoadTestSpec.closedLoop(server.baseUri(), settings.concurrency(), settings.total())
                                .withRequestTimeout(settings.requestTimeout()).withSeed(settings.seed());

                        bar.stage(where + ": warm-up");
                        LoadTestResult.WarmupSummary warm = settings.warmup() == 0 ? LoadTestResult.WarmupSummary.NONE
                                : generator.warmUp(spec.withWarmup(settings.warmup()), workload);
                        warmupSeconds = round3(warm.seconds());
                        warmupRequests[i] += warm.requests();
                        warmupOk[i] += warm.ok();
                        bar.advanceTo(done += settings.warmup());

                        bar.stage(where + ": run " + rep + "/" + reps);
                        RunResult run = measure(server, generator, spec, workload, config, rep, bar, done, name);
                        runs.get(i).add(run);
                        runWall = round3(run.wallSeconds());
                        bar.advanceTo(done += settings.total());

                        if (config.unbatched() && settings.equalLoadFraction() > 0 && Double.isNaN(equalLoadRate)) {
                            equalLoadRate = settings.equalLoadFraction() * run.throughput();
                            // every open-loop run replays the same seeded arrivals: this many requests each
                            long expected = ArrivalSchedule.poisson(settings.seed(), equalLoadRate, settings.equalLoadDuration()).length;
                            bar.addTotal(expected * ((long) n * reps - i));
                        }
                        if (settings.equalLoadFraction() > 0 && equalLoadRate > 0) {
                            bar.stage(where + String.format(Locale.ROOT, ": equal load, %.1f req/s open loop", equalLoadRate));
                            LoadTestSpec open = LoadTestSpec.openLoop(server.baseUri(), equalLoadRate, settings.equalLoadDuration())
                                    .withRequestTimeout(settings.requestTimeout()).withSeed(settings.seed());
                            RunResult equalLoad = measure(server, generator, open, workload, config, rep, bar, done, name + "-equal-load");
                            equalLoadRuns.get(i).add(equalLoad);
                            equalLoadWall = round3(equalLoad.wallSeconds());
                            bar.advanceTo(done += equalLoad.planned());
                        }
                    }
                    timings.add(new Manifest.Timing(config.label(), rep, serverStart, healthWait, warmupSeconds, runWall,
                            equalLoadWall, seconds(t0)));
                }
            }
        }
        List<ConfigSummary> summaries = new ArrayList<>();
        for (int i = 0; i < n; i++)
            summaries.add(new ConfigSummary(settings.configs().get(i), runs.get(i), warmupRequests[i], warmupOk[i], equalLoadRuns.get(i)));
        return new SweepResult(settings, summaries, started, Instant.now(), environment, git, model, workloadInfo, timings);
    }

    /**
     * One measured run between two /metrics scrapes, with the queue sampled; its files go to runs/.
     * {@code doneBefore}: progress units finished before this run, to which its requests add.
     */
    private RunResult measure(ServerProcess server, LoadGenerator generator, LoadTestSpec spec, Workload workload,
                              ServerConfig config, int rep, ProgressBar bar, long doneBefore, String name) throws InterruptedException {
        MetricsSnapshot before = server.metrics();
        LoadTestResult result;
        double peakQueue;
        try (QueueDepthSampler sampler = new QueueDepthSampler(server, QUEUE_SAMPLE_INTERVAL)) {
            result = generator.run(spec, workload, (d, planned) -> bar.advanceTo(doneBefore + d));
            peakQueue = sampler.peak();
        }
        MetricsSnapshot after = server.metrics();
        RunResult run = RunResult.of(config, rep, result, BatchStats.between(before, after), peakQueue);
        result.writeSummary(settings.out().resolve("runs").resolve(name + ".json"));
        HistogramLogs.write(settings.out().resolve("runs").resolve(name + ".hlog"), result);
        bar.println(describe(run) + (result.firstProblem() == null ? "" : "  first problem: " + result.firstProblem()));
        return run;
    }

    private static double seconds(long fromNanos) {
        return round3((System.nanoTime() - fromNanos) / 1e9);
    }

    private static double round3(double seconds) {
        return Math.round(seconds * 1e3) / 1e3;
    }

    static String describe(RunResult r) {
        String batch = Double.isNaN(r.batch().meanBatchSize()) ? "" : String.format(Locale.ROOT, ", mean batch %.2f", r.batch().meanBatchSize());
        String what = r.openLoop() ? String.format(Locale.ROOT, "equal load %.1f req/s", r.offeredRate()) : "run " + r.repetition();
        return String.format(Locale.ROOT, "%-10s %s: %d/%d answered 200, %.2f req/s, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%s",
                r.config().label(), what, r.ok(), r.planned(), r.throughput(),
                r.latencyMillis(50), r.latencyMillis(95), r.latencyMillis(99), batch);
    }
}
