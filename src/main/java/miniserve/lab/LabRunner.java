package miniserve.lab;

import miniserve.console.ProgressBar;
import miniserve.loadtest.ArrivalSchedule;
import miniserve.loadtest.HistogramLogs;
import miniserve.loadtest.LoadGenerator;
import miniserve.loadtest.LoadTestResult;
import miniserve.loadtest.LoadTestSpec;
import miniserve.loadtest.Workload;
import miniserve.serving.ProjectRoot;

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

    /** Length of the pass trace kept per scheduler for lab 03's timeline. */
    static final double TRACE_SPAN_MS = 2000;

    /** Runs every configuration and returns the results; writes nothing but per-run files and logs. */
    public SweepResult run(Workload workload) throws InterruptedException {
        Path out = settings.out();
        Instant started = Instant.now();
        // captured before anything is written, so the experiment's own files do not count as changes
        Manifest.Git git = Manifest.Git.of(ProjectRoot.directory());
        Manifest.Environment environment = Manifest.Environment.capture();
        Manifest.Model model = Manifest.Model.of(settings.weights());
        Manifest.WorkloadInfo workloadInfo = Manifest.WorkloadInfo.of(workload, settings.seed(),
                WorkloadTokens.measure(workload, settings.weights(), settings.maxTokens()), settings.total());

        List<ServerConfig> configs = settings.configs();
        int n = configs.size();
        int reps = settings.repetitions();
        List<ServerConfig> pair = stretchPair();
        int extraPairRounds = pair.isEmpty() ? 0 : Math.max(0, settings.stretchPairs() - reps);
        State state = new State(n);
        long perServer = settings.warmup() + settings.total();
        try (ProgressBar bar = new ProgressBar(console, interactive, PROGRESS_LINE_EVERY,
                perServer * n * reps + perServer * 2L * extraPairRounds);
             LoadGenerator generator = new LoadGenerator()) {
            // In rounds, not configuration after configuration: the machine is shared and drifts by tens of
            // percent over minutes, and a configuration measured only during one slow stretch would carry it
            // in all its repetitions. A fresh server per repetition also samples the JVM's own variation.
            for (int rep = 1; rep <= reps; rep++) {
                List<ServerConfig> order = roundOrder(rep, pair);
                for (int k = 0; k < n; k++) {
                    ServerConfig config = order.get(k);
                    String where = "round " + rep + "/" + reps + ", config " + (k + 1) + "/" + n + " " + config.label();
                    closedLoop(config, rep, where, true, workload, generator, bar, state);
                }
            }
            // The stretch check's extra pairs of the two single-row servers, alternating which goes first.
            for (int rep = reps + 1; rep <= reps + extraPairRounds; rep++) {
                List<ServerConfig> order = rep % 2 == 1 ? pair : List.of(pair.get(1), pair.get(0));
                for (int k = 0; k < 2; k++) {
                    String where = "stretch pair " + rep + "/" + settings.stretchPairs() + " " + order.get(k).label();
                    closedLoop(order.get(k), rep, where, false, workload, generator, bar, state);
                }
            }
            if (settings.rateSweep() != null) rateSweep(workload, generator, bar, state);
        }
        List<ConfigSummary> summaries = new ArrayList<>();
        for (int i = 0; i < n; i++)
            summaries.add(new ConfigSummary(configs.get(i), state.runs.get(i), state.warmupRequests[i], state.warmupOk[i],
                    state.equalLoadRuns.get(i)));
        return new SweepResult(settings, summaries, started, Instant.now(), environment, git, model, workloadInfo, state.timings,
                state.ratePoints, state.traces);
    }

    /** What the runs of a sweep gather as they go. */
    private static final class State {
        final List<List<RunResult>> runs = new ArrayList<>(), equalLoadRuns = new ArrayList<>();
        final int[] warmupRequests, warmupOk;
        final List<Manifest.Timing> timings = new ArrayList<>();
        final List<SweepResult.RatePoint> ratePoints = new ArrayList<>();
        final List<TraceWindow> traces = new ArrayList<>();
        double equalLoadRate = Double.NaN; // set by the baseline, which runs first
        long done;                         // progress units (requests) finished

        State(int n) {
            warmupRequests = new int[n];
            warmupOk = new int[n];
            for (int i = 0; i < n; i++) {
                runs.add(new ArrayList<>());
                equalLoadRuns.add(new ArrayList<>());
            }
        }
    }

    /** The baseline and static max_batch = 1, whose runs the stretch check pairs; empty if the sweep lacks one. */
    private List<ServerConfig> stretchPair() {
        var base = settings.configs().stream().filter(ServerConfig::unbatched).findFirst();
        var one = settings.configs().stream().filter(c -> c.kind() == ServerConfig.Kind.STATIC && c.maxBatch() == 1).findFirst();
        return base.isPresent() && one.isPresent() ? List.of(base.get(), one.get()) : List.of();
    }

    /**
     * The order of round {@code rep}: the configurations as given (the baseline first), but in even rounds the
     * stretch pair's two servers swap places, so that neither always runs first.
     */
    private List<ServerConfig> roundOrder(int rep, List<ServerConfig> pair) {
        List<ServerConfig> order = new ArrayList<>(settings.configs());
        if (rep % 2 == 0 && !pair.isEmpty()) {
            int a = order.indexOf(pair.get(0)), b = order.indexOf(pair.get(1));
            order.set(a, pair.get(1));
            order.set(b, pair.get(0));
        }
        return order;
    }

    /**
     * One repetition of one configuration on a fresh server: warm-up, the measured closed-loop run, and
     * (with {@code full}) the equal-load run and, in lab 03's first round at the rate sweep's max_batch, a
     * window of the server's pass trace.
     */
    private void closedLoop(ServerConfig config, int rep, String where, boolean full, Workload workload, LoadGenerator generator,
                            ProgressBar bar, State st) throws InterruptedException {
        int i = settings.configs().indexOf(config);
        String name = config.label() + "-r" + rep;
        double serverStart, healthWait, warmupSeconds, runWall;
        Double equalLoadWall = null;
        long t0 = System.nanoTime();
        try (Fresh fresh = startHealthy(config, name, where, bar)) {
            ServerProcess server = fresh.server();
            serverStart = fresh.startSeconds();
            healthWait = fresh.healthSeconds();
            LoadTestSpec spec = LoadTestSpec.closedLoop(server.baseUri(), settings.concurrency(), settings.total())
                    .withRequestTimeout(settings.requestTimeout()).withSeed(settings.seed());

            bar.stage(where + ": warm-up");
            LoadTestResult.WarmupSummary warm = settings.warmup() == 0 ? LoadTestResult.WarmupSummary.NONE
                    : generator.warmUp(spec.withWarmup(settings.warmup()), workload);
            warmupSeconds = round3(warm.seconds());
            st.warmupRequests[i] += warm.requests();
            st.warmupOk[i] += warm.ok();
            bar.advanceTo(st.done += settings.warmup());

            bar.stage(where + ": run " + rep);
            RunResult run = measure(server, generator, spec, workload, config, rep, bar, st.done, name);
            st.runs.get(i).add(run);
            runWall = round3(run.wallSeconds());
            bar.advanceTo(st.done += settings.total());
            if (full && rep == 1 && settings.rateSweep() != null && !config.unbatched()
                    && config.maxBatch() == settings.rateSweep().maxBatch()) {
                String json = server.trace();
                if (json != null) {
                    // the middle of the run just measured: the load is steady there
                    TraceWindow w = TraceWindow.cut(config.label(), config.scheduling(), json,
                            Math.max(0, run.wallSeconds() * 1e3 / 2 - TRACE_SPAN_MS / 2), TRACE_SPAN_MS);
                    w.write(settings.out().resolve("runs").resolve(name + ".trace.json"));
                    st.traces.add(w);
                }
            }

            if (full && config.unbatched() && settings.equalLoadFraction() > 0 && Double.isNaN(st.equalLoadRate)) {
                st.equalLoadRate = settings.equalLoadFraction() * run.throughput();
                // every open-loop run replays the same seeded arrivals: this many requests each
                long expected = ArrivalSchedule.poisson(settings.seed(), st.equalLoadRate, settings.equalLoadDuration()).length;
                bar.addTotal(expected * ((long) settings.configs().size() * settings.repetitions() - i));
            }
            if (full && settings.equalLoadFraction() > 0 && st.equalLoadRate > 0) {
                bar.stage(where + String.format(Locale.ROOT, ": equal load, %.1f req/s open loop", st.equalLoadRate));
                LoadTestSpec open = LoadTestSpec.openLoop(server.baseUri(), st.equalLoadRate, settings.equalLoadDuration())
                        .withRequestTimeout(settings.requestTimeout()).withSeed(settings.seed());
                RunResult equalLoad = measure(server, generator, open, workload, config, rep, bar, st.done, name + "-equal-load");
                st.equalLoadRuns.get(i).add(equalLoad);
                equalLoadWall = round3(equalLoad.wallSeconds());
                bar.advanceTo(st.done += equalLoad.planned());
            }
        }
        st.timings.add(new Manifest.Timing(config.label(), rep, serverStart, healthWait, warmupSeconds, runWall,
                equalLoadWall, seconds(t0)));
    }

    /**
     * Lab 03's open loop: at the rate sweep's max_batch, the rates are fractions of static batching's (fixed
     * max_tokens) median closed-loop throughput there; rate by rate (the slowest first), each scheduler on a
     * fresh, warmed-up server.
     */
    private void rateSweep(Workload workload, LoadGenerator generator, ProgressBar bar, State st) throws InterruptedException {
        LabSettings.RateSweep rs = settings.rateSweep();
        var reference = settings.rateSweepConfig(ServerConfig.Kind.STATIC);
        if (reference.isEmpty()) {
            bar.println("rate sweep: no static configuration at max_batch " + rs.maxBatch() + " to scale the rates by; skipped");
            return;
        }
        double capacity = ConfigSummary.median(st.runs.get(settings.configs().indexOf(reference.get())).stream()
                .mapToDouble(RunResult::throughput).toArray());
        List<ServerConfig> schedulers = new ArrayList<>();
        for (ServerConfig.Kind k : List.of(ServerConfig.Kind.STATIC, ServerConfig.Kind.STATIC_ALL_ENDED, ServerConfig.Kind.CONTINUOUS))
            settings.rateSweepConfig(k).ifPresent(schedulers::add);
        for (double f : rs.fractions())
            bar.addTotal((rs.warmup() + ArrivalSchedule.poisson(settings.seed(), f * capacity, rs.duration()).length) * (long) schedulers.size());
        for (int r = 0; r < rs.fractions().size(); r++) {
            double fraction = rs.fractions().get(r), rate = fraction * capacity;
            for (int k = 0; k < schedulers.size(); k++) {
                ServerConfig config = schedulers.get((k + r) % schedulers.size()); // each rate starts with another scheduler
                String name = config.label() + String.format(Locale.ROOT, "-rate%.2f", fraction);
                String where = String.format(Locale.ROOT, "rate %d/%d (%.1f req/s), %s", r + 1, rs.fractions().size(), rate, config.label());
                long t0 = System.nanoTime();
                double serverStart, healthWait, warmupSeconds;
                RunResult run;
                try (Fresh fresh = startHealthy(config, name, where, bar)) {
                    ServerProcess server = fresh.server();
                    serverStart = fresh.startSeconds();
                    healthWait = fresh.healthSeconds();
                    LoadTestSpec warmSpec = LoadTestSpec.closedLoop(server.baseUri(), settings.concurrency(), Math.max(1, rs.warmup()))
                            .withRequestTimeout(settings.requestTimeout()).withSeed(settings.seed());
                    bar.stage(where + ": warm-up");
                    LoadTestResult.WarmupSummary warm = rs.warmup() == 0 ? LoadTestResult.WarmupSummary.NONE
                            : generator.warmUp(warmSpec.withWarmup(rs.warmup()), workload);
                    warmupSeconds = round3(warm.seconds());
                    bar.advanceTo(st.done += rs.warmup());
                    bar.stage(where + ": open loop");
                    LoadTestSpec open = LoadTestSpec.openLoop(server.baseUri(), rate, rs.duration())
                            .withRequestTimeout(settings.requestTimeout()).withSeed(settings.seed());
                    run = measure(server, generator, open, workload, config, 1, bar, st.done, name);
                    bar.advanceTo(st.done += run.planned());
                }
                st.ratePoints.add(new SweepResult.RatePoint(config, fraction, run));
                st.timings.add(new Manifest.Timing(name, 1, serverStart, healthWait, warmupSeconds, round3(run.wallSeconds()),
                        null, seconds(t0)));
            }
        }
    }

    /** A freshly started server that answers {@code /health}, and how long each took. */
    private record Fresh(ServerProcess server, double startSeconds, double healthSeconds) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /** Starts a server for {@code config} (its output in logs/NAME.log) and waits until it is healthy. */
    private Fresh startHealthy(ServerConfig config, String name, String where, ProgressBar bar) throws InterruptedException {
        bar.stage(where + ": starting server");
        long t0 = System.nanoTime();
        ServerProcess server = ServerProcess.start(launcher.command(config), settings.out().resolve("logs").resolve(name + ".log"),
                settings.startTimeout());
        double start = seconds(t0);
        long t1 = System.nanoTime();
        try {
            server.awaitHealthy(settings.startTimeout());
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new Fresh(server, start, seconds(t1));
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
        String what = r.openLoop() ? String.format(Locale.ROOT, "open loop %.1f req/s", r.offeredRate()) : "run " + r.repetition();
        return String.format(Locale.ROOT, "%-10s %s: %d/%d answered 200, %.2f req/s, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%s",
                r.config().label(), what, r.ok(), r.planned(), r.throughput(),
                r.latencyMillis(50), r.latencyMillis(95), r.latencyMillis(99), batch);
    }
}
