package miniserve.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes every file of a finished sweep into its output directory. */
public final class LabOutputs {

    public static final String SUMMARY_CSV = "batch_sweep.csv";
    public static final String RUNS_CSV = "batch_sweep_runs.csv";
    public static final String THROUGHPUT_PNG = "throughput_vs_batch.png";
    public static final String P95_PNG = "p95_vs_batch.png";
    public static final String CDF_PNG = "latency_cdf_baseline_vs_batch8.png";
    public static final String FILL_PNG = "batch_fill_histogram.png";
    /** Written when the sweep has equal-load runs. */
    public static final String P95_EQUAL_LOAD_PNG = "p95_equal_load_vs_batch.png";
    public static final String MANIFEST = "manifest.json";
    public static final String ACCEPTANCE = "acceptance.md";

    public static final List<String> FILES = List.of(SUMMARY_CSV, RUNS_CSV, THROUGHPUT_PNG, P95_PNG, CDF_PNG,
            FILL_PNG, MANIFEST, ACCEPTANCE);

    /** The full sweep must finish within this on the project's 2-core machine (max_tokens is chosen for it). */
    public static final Duration FULL_SWEEP_BUDGET = Duration.ofMinutes(15);

    private LabOutputs() {}

    public static List<Acceptance.Check> writeAll(SweepResult r, Path dir) {
        List<ConfigSummary> configs = r.configs();
        String subtitle = r.settings().quick() ? " (quick run)" : "";
        CsvReports.writeSummary(dir.resolve(SUMMARY_CSV), configs);
        CsvReports.writeRuns(dir.resolve(RUNS_CSV), r.runs());
        Charts.savePng(Charts.throughputVsBatch(configs, subtitle), dir.resolve(THROUGHPUT_PNG));
        Charts.savePng(Charts.p95VsBatch(configs, subtitle), dir.resolve(P95_PNG));
        List<ConfigSummary> cdf = cdfPair(configs);
        Charts.savePng(Charts.latencyCdf(cdf, "Latency CDF: " + String.join(" vs ",
                cdf.stream().map(c -> c.config().describe()).toList()) + subtitle), dir.resolve(CDF_PNG));
        Charts.savePng(Charts.batchFillHistogram(configs, subtitle), dir.resolve(FILL_PNG));
        configs.stream().filter(c -> c.config().unbatched() && c.hasEqualLoad()).findFirst().ifPresent(base ->
                Charts.savePng(Charts.p95EqualLoadVsBatch(configs, base.equalLoad(RunResult::offeredRate), subtitle),
                        dir.resolve(P95_EQUAL_LOAD_PNG)));
        Manifest.write(dir.resolve(MANIFEST), manifest(r));
        List<Acceptance.Check> checks = Acceptance.evaluate(configs, r.settings().concurrency());
        write(dir.resolve(ACCEPTANCE), Acceptance.markdown(checks, configs, context(r)));
        return checks;
    }

    /** The baseline and max_batch = 8 (its max_wait_ms = 20 row if there are several; any batched one otherwise). */
    static List<ConfigSummary> cdfPair(List<ConfigSummary> configs) {
        List<ConfigSummary> out = new ArrayList<>();
        configs.stream().filter(c -> c.config().unbatched()).findFirst().ifPresent(out::add);
        Optional<ConfigSummary> eight = configs.stream().filter(c -> !c.config().unbatched() && c.config().maxBatch() == 8)
                .min(Comparator.comparingInt(c -> Math.abs(c.config().maxWaitMs() - 20)));
        if (eight.isEmpty()) // the sweep was narrowed: show the batched configuration closest to 8
            eight = configs.stream().filter(c -> !c.config().unbatched())
                    .min(Comparator.comparingDouble(c -> Math.abs(Math.log(c.config().maxBatch() / 8.0))));
        eight.ifPresent(out::add);
        return out;
    }

    private static String context(SweepResult r) {
        LabSettings s = r.settings();
        String when = r.started().atZone(ZoneId.systemDefault()).toLocalDate().toString();
        StringBuilder b = new StringBuilder();
        b.append("Run of ").append(when).append(" at commit `").append(r.git().get("commit")).append('`')
                .append(Boolean.TRUE.equals(r.git().get("dirty")) ? " (working tree modified)" : "").append(": ")
                .append(s.configs().size()).append(" configurations x ").append(s.repetitions())
                .append(s.repetitions() == 1 ? " repetition, " : " repetitions, ")
                .append("closed loop of ").append(s.concurrency()).append(" clients x ").append(s.total())
                .append(" requests, max_tokens=").append(s.maxTokens()).append(", stop rule ").append(s.stopRule())
                .append(", ").append(s.threads()).append(" compute threads per server (batched: ").append(s.modelThreads())
                .append(s.modelThreads() == 1 ? " batch" : " batches").append(" in flight). Every repetition ran on a freshly started server, ")
                .append("in rounds (each round takes every configuration once, the baseline first), and every figure is the median over the repetitions; ")
                .append(s.equalLoadFraction() > 0 ? String.format(Locale.ROOT, "after each closed-loop run the same server also ran %.0f s of open-loop "
                        + "load at %.0f%% of the baseline's first throughput (check 2b); ", s.equalLoadDuration().toMillis() / 1000.0, s.equalLoadFraction() * 100) : "")
                .append("the numbers come from `batch_sweep.csv` and `batch_sweep_runs.csv`.");
        Object load = r.environment().get("load_average_at_start");
        Object cores = ((Map<?, ?>) r.environment().getOrDefault("cpu", Map.of())).get("cores");
        if (load instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Double one && cores instanceof Integer n && one > n / 2.0)
            b.append(String.format(Locale.ROOT, "\n\n**The machine was busy**: its load average was %.2f on %d cores when the sweep "
                    + "started (see `manifest.json`); other work competed with the servers, so the figures are noisier than on an idle machine.", one, n));
        Duration took = Duration.between(r.started(), r.finished());
        b.append(String.format(Locale.ROOT, "\n\nThe sweep took %.1f min", took.toMillis() / 60000.0));
        if (!s.quick())
            b.append(" (budget for the full sweep: ").append(FULL_SWEEP_BUDGET.toMinutes()).append(" min, ")
                    .append(took.compareTo(FULL_SWEEP_BUDGET) <= 0 ? "met" : "exceeded").append(")");
        b.append('.');
        if (s.quick())
            b.append("\n\n**Quick run** (CI smoke test): fewer requests and repetitions than the lab asks for; ")
                    .append("its verdicts show that the pipeline works, not that the lab's claims hold.");
        return b.toString();
    }

    static Map<String, Object> manifest(SweepResult r) {
        LabSettings s = r.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lab", "phase-33-lab-02 static batching");
        m.put("date", r.started().atZone(ZoneId.systemDefault()).toLocalDate().toString());
        m.put("started", r.started().toString());
        m.put("finished", r.finished().toString());
        m.put("duration_s", Duration.between(r.started(), r.finished()).toMillis() / 1000.0);
        m.put("quick", s.quick());
        m.put("time_budget_s", s.quick() ? null : FULL_SWEEP_BUDGET.toSeconds());
        m.put("git", r.git());
        m.putAll(r.environment());
        m.put("load_average_at_end", Manifest.loadAverage());
        m.put("model", r.model());
        m.put("workload", r.workload());
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("loop", "closed");
        load.put("concurrency", s.concurrency());
        load.put("total_per_run", s.total());
        load.put("warmup_per_server", s.warmup());
        load.put("request_timeout_ms", s.requestTimeout().toMillis());
        load.put("client", "java.net.http.HttpClient, HTTP/1.1, one virtual thread per client");
        Map<String, Object> equal = new LinkedHashMap<>();
        equal.put("loop", "open, Poisson arrivals, latency from each request's scheduled arrival");
        equal.put("fraction_of_baseline_throughput", s.equalLoadFraction());
        equal.put("duration_s", s.equalLoadDuration().toMillis() / 1000.0);
        equal.put("rate_rps", r.configs().stream().filter(c -> c.config().unbatched() && c.hasEqualLoad())
                .map(c -> (Object) c.equalLoad(RunResult::offeredRate)).findFirst().orElse(null));
        load.put("equal_load", equal);
        m.put("load", load);
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("max_tokens", s.maxTokens());
        server.put("stop_rule", s.stopRule());
        server.put("threads", s.threads());
        server.put("model_threads_batched", s.modelThreads());
        server.put("jvm_flags", concat(ServerLauncher.JVM_FLAGS, s.serverJavaOptions()));
        server.put("one_fresh_process_per_repetition", true);
        server.put("order", "in rounds: repetition r of every configuration (the baseline first) before repetition r+1 of any, "
                + "so that slow drifts of the shared machine reach every configuration alike");
        m.put("server", server);
        m.put("repetitions", s.repetitions());
        List<Map<String, Object>> configs = new ArrayList<>();
        for (ServerConfig c : s.configs()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", c.label());
            e.put("mode", c.mode());
            e.put("max_batch", c.unbatched() ? null : c.maxBatch());
            e.put("max_wait_ms", c.unbatched() ? null : c.maxWaitMs());
            configs.add(e);
        }
        m.put("configurations", configs);
        m.put("timings", r.timings());
        m.put("outputs", outputs(r));
        return m;
    }

    /** The files {@link #writeAll} writes for this sweep. */
    public static List<String> outputs(SweepResult r) {
        List<String> outputs = new ArrayList<>(FILES);
        if (r.configs().stream().anyMatch(c -> c.config().unbatched() && c.hasEqualLoad())) outputs.add(P95_EQUAL_LOAD_PNG);
        return outputs;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void write(Path file, String text) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
