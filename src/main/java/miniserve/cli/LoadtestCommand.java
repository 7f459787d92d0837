package miniserve.cli;

import miniserve.loadtest.HistogramLogs;
import miniserve.loadtest.LoadGenerator;
import miniserve.loadtest.LoadTestResult;
import miniserve.loadtest.LoadTestSpec;
import miniserve.loadtest.Workload;
import miniserve.serving.ProjectRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ./miniserve loadtest}: measures a running server over HTTP. */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = {
                "Sends POST /correct requests to a server on this machine and reports latency percentiles, "
                        + "throughput, and counts by status, timeouts and errors.",
                "Closed loop (default): --concurrency clients, each sending its next request when the previous returns, "
                        + "until --total requests. Open loop (--rate): Poisson arrivals at that rate for --duration seconds; "
                        + "latency is measured from each request's intended start, so a slow server cannot hide its queueing.",
                "Writes summary.json, latency.hlog (an HdrHistogram interval log, nanoseconds) and requests.csv "
                        + "(what each request got: learner, status, the types of its answer's edits) to --out.",
                "Exit status: 0 when every request was answered 200, 3 when any was not (the report says which), 1 on bad input."})
public final class LoadtestCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "Server base URL; loopback addresses only (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--concurrency", defaultValue = "50",
            description = "Closed loop: number of concurrent clients; open loop: clients used by the warm-up (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--total", defaultValue = "500", description = "Closed loop: requests to send (default: ${DEFAULT-VALUE}).")
    int total;

    @Option(names = "--rate", description = "Open loop: mean arrival rate in requests per second (Poisson). Omit for a closed loop.")
    Double rate;

    @Option(names = "--duration", defaultValue = "30",
            description = "Open loop: seconds during which requests arrive (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--max-in-flight", defaultValue = "1000",
            description = "Open loop: most requests outstanding at once; a late start still counts from its intended time (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--warmup", defaultValue = "10",
            description = "Requests sent first and left out of every figure (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--timeout-ms", defaultValue = "60000",
            description = "A request with no answer after this many milliseconds is abandoned and counted as a timeout (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--max-time", defaultValue = "1800",
            description = "Closed loop: seconds after which no new request is sent; unsent ones are reported (default: ${DEFAULT-VALUE}).")
    double maxTimeSeconds;

    @Option(names = "--workload",
            description = "Sentences, one per line (default: " + "data/workload/learner-sentences.txt"
                    + ", or data/ud-ewt/dev.txt with a warning when that is missing).")
    Path workload;

    @Option(names = "--max-words", defaultValue = "" + Workload.DEFAULT_MAX_WORDS,
            description = "Skip workload sentences longer than this many words; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int maxWords;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the request sequence (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "target/loadtest",
            description = "Where the results go: summary.json, latency.hlog and requests.csv (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        URI target = URI.create(url);
        LoadTestSpec test = rate == null
                ? LoadTestSpec.closedLoop(target, concurrency, total)
                : LoadTestSpec.openLoop(target, rate, seconds(durationSeconds, "--duration")).withConcurrency(concurrency)
                        .withMaxInFlight(maxInFlight);
        test = test.withWarmup(warmup).withRequestTimeout(Duration.ofMillis(positive(timeoutMs, "--timeout-ms")))
                .withMaxRunTime(seconds(maxTimeSeconds, "--max-time")).withSeed(seed);
        Workload work = Workload.load(Workload.resolveFile(workload, ProjectRoot::resolve, msg -> err.println("miniserve loadtest: " + msg)), maxWords);

        outw.println("loadtest " + (rate == null ? "closed loop, " + concurrency + " clients, " + total + " requests"
                : "open loop, " + rate + " req/s for " + durationSeconds + " s") + " -> " + target);
        outw.println("workload " + work.describe() + ", seed " + seed + (warmup > 0 ? ", " + warmup + " warm-up requests" : ""));
        outw.flush();
        LoadTestResult result;
        try (LoadGenerator gen = new LoadGenerator()) {
            result = gen.run(test, work, LoadGenerator.Progress.NONE);
        }
        Path summary = out.resolve("summary.json");
        Path hlog = out.resolve("latency.hlog");
        Path requests = out.resolve("requests.csv");
        result.writeSummary(summary);
        HistogramLogs.write(hlog, result);
        result.writeRequests(requests);
        outw.print(result.describe());
        outw.println("wrote " + summary + ", " + hlog + " and " + requests);
        if (result.warmup().requests() > result.warmup().ok())
            outw.println("note: " + (result.warmup().requests() - result.warmup().ok()) + " of " + result.warmup().requests()
                    + " warm-up requests were not answered 200");
        outw.flush();
        // A run in which anything failed is still reported in full, and the exit status says so.
        return result.allOk() ? 0 : 3;
    }

    private static Duration seconds(double s, String flag) {
        if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException(flag + " must be a positive number of seconds");
        return Duration.ofNanos((long) (s * 1e9));
    }

    private static long positive(long v, String flag) {
        if (v <= 0) throw new IllegalArgumentException(flag + " must be positive");
        return v;
    }
}
