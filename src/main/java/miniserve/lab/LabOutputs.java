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
import java.util.List;
import java.util.Locale;
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
        if (r.settings().lab() == 3) return Lab03Outputs.writeAll(r, dir);
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
        Manifest.of(r).write(dir.resolve(MANIFEST));
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

    static String context(SweepResult r) {
        LabSettings s = r.settings();
        String when = r.started().atZone(ZoneId.systemDefault()).toLocalDate().toString();
        StringBuilder b = new StringBuilder();
        b.append("Run of ").append(when).append(" at commit `").append(r.git().commit()).append('`')
                .append(Boolean.TRUE.equals(r.git().dirty()) ? " (working tree modified)" : "").append(": ")
                .append(s.configs().size()).append(" configurations x ").append(s.repetitions())
                .append(s.repetitions() == 1 ? " repetition, " : " repetitions, ")
                .append("closed loop of ").append(s.concurrency()).append(" clients x ").append(s.total())
                .append(" requests, max_tokens=").append(s.maxTokens()).append(", stop rule ").append(s.stopRule().flag())
                .append(", ").append(s.threads()).append(" compute threads per server (batched: ").append(s.modelThreads())
                .append(s.modelThreads() == 1 ? " batch" : " batches").append(" in flight). Every repetition ran on a freshly started server, ")
                .append("in rounds (each round takes every configuration once, the baseline first), and every figure is the median over the repetitions; ")
                .append(s.equalLoadFraction() > 0 ? String.format(Locale.ROOT, "after each closed-loop run the same server also ran %.0f s of open-loop "
                        + "load at %.0f%% of the baseline's first throughput (check 2); ", s.equalLoadDuration().toMillis() / 1000.0, s.equalLoadFraction() * 100) : "")
                .append(s.stretchPairs() > s.repetitions() ? "the baseline and max_batch=1 then ran more alternated pairs, "
                        + s.stretchPairs() + " in all, for the stretch check (closed loop only); " : "")
                .append("the numbers come from `batch_sweep.csv` and `batch_sweep_runs.csv`.");
        List<Double> load = r.environment().loadAverageAtStart();
        int n = r.environment().cpu().cores();
        if (load != null && !load.isEmpty() && load.get(0) > n / 2.0)
            b.append(String.format(Locale.ROOT, "\n\n**The machine was busy**: its load average was %.2f on %d cores when the sweep "
                    + "started (see `manifest.json`); other work competed with the servers, so the figures are noisier than on an idle machine.", load.get(0), n));
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

    /** The files {@link #writeAll} writes for this sweep. */
    public static List<String> outputs(SweepResult r) {
        if (r.settings().lab() == 3) return Lab03Outputs.FILES;
        List<String> outputs = new ArrayList<>(FILES);
        if (r.configs().stream().anyMatch(c -> c.config().unbatched() && c.hasEqualLoad())) outputs.add(P95_EQUAL_LOAD_PNG);
        return outputs;
    }

    static void write(Path file, String text) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
