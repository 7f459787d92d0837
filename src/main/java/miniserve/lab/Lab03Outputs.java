package miniserve.lab;

import miniserve.lab.ServerConfig.Kind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes every file of a finished lab 03 sweep (continuous batching against static batching) into its output directory. */
public final class Lab03Outputs {

    public static final String RATE_CSV = "rate_sweep.csv";
    public static final String P95_LOAD_PNG = "p95_vs_offered_load.png";
    public static final String STEP_FILL_PNG = "step_fill_histogram.png";
    public static final String TIMELINE_PNG = "timeline.png";

    public static final List<String> FILES = List.of(LabOutputs.SUMMARY_CSV, LabOutputs.RUNS_CSV, RATE_CSV, LabOutputs.THROUGHPUT_PNG,
            LabOutputs.P95_PNG, P95_LOAD_PNG, STEP_FILL_PNG, TIMELINE_PNG, LabOutputs.MANIFEST, LabOutputs.ACCEPTANCE);

    private Lab03Outputs() {}

    public static List<Acceptance.Check> writeAll(SweepResult r, Path dir) {
        List<ConfigSummary> configs = r.configs();
        LabSettings s = r.settings();
        int maxBatch = s.rateSweep().maxBatch();
        String subtitle = s.quick() ? " (quick run)" : "";
        CsvReports.writeSummary(dir.resolve(LabOutputs.SUMMARY_CSV), configs);
        CsvReports.writeRuns(dir.resolve(LabOutputs.RUNS_CSV), r.runs());
        CsvReports.writeRateSweep(dir.resolve(RATE_CSV), r.rateSweep(), s.rateSweep().sloMillis());
        Charts.savePng(Charts.bySchedulerVsBatch(configs, ConfigSummary::throughput, "Throughput vs max_batch, closed loop" + subtitle,
                "throughput (requests/s, median of runs)"), dir.resolve(LabOutputs.THROUGHPUT_PNG));
        Charts.savePng(Charts.bySchedulerVsBatch(configs, ConfigSummary::p95, "p95 latency vs max_batch, closed loop" + subtitle,
                "p95 latency (ms, median of runs)"), dir.resolve(LabOutputs.P95_PNG));
        Charts.savePng(Charts.p95VsOfferedLoad(r.rateSweep(), staticSaturationOr(r), subtitle), dir.resolve(P95_LOAD_PNG));
        List<ConfigSummary> atMaxBatch = new ArrayList<>();
        for (Kind k : Charts.SCHEDULERS) Lab03Acceptance.at(configs, k, maxBatch).ifPresent(atMaxBatch::add);
        Charts.savePng(Charts.stepFillHistogram(atMaxBatch, subtitle), dir.resolve(STEP_FILL_PNG));
        Timeline.savePng(ordered(r.traces()), "One model thread's rows, pass by pass, at max_batch " + maxBatch
                + " under the closed loop (" + s.concurrency() + " clients)" + subtitle, dir.resolve(TIMELINE_PNG));
        Manifest.of(r).write(dir.resolve(LabOutputs.MANIFEST));
        List<Acceptance.Check> checks = Lab03Acceptance.evaluate(configs, r.rateSweep(), maxBatch, s.rateSweep().sloMillis(), s.concurrency());
        LabOutputs.write(dir.resolve(LabOutputs.ACCEPTANCE), Acceptance.markdown("Lab 03 acceptance", checks, configs, context(r)) + passes(configs));
        return checks;
    }

    /** The median closed-loop throughput of static batching (fixed max_tokens) at the rate sweep's max_batch, or null. */
    static Double staticSaturation(SweepResult r) {
        if (r.settings().rateSweep() == null) return null;
        return Lab03Acceptance.at(r.configs(), Kind.STATIC, r.settings().rateSweep().maxBatch())
                .map(ConfigSummary::throughput).filter(t -> !Double.isNaN(t)).orElse(null);
    }

    private static double staticSaturationOr(SweepResult r) {
        Double d = staticSaturation(r);
        return d == null ? Double.NaN : d;
    }

    /** The timeline's panels in the schedulers' order. */
    private static List<TraceWindow> ordered(List<TraceWindow> traces) {
        List<TraceWindow> out = new ArrayList<>(traces);
        out.sort((a, b) -> Integer.compare(rank(a.label()), rank(b.label())));
        return out;
    }

    private static int rank(String label) {
        return label.startsWith("cont-") ? 2 : label.startsWith("ended-") ? 1 : 0;
    }

    private static String context(SweepResult r) {
        LabSettings s = r.settings();
        LabSettings.RateSweep rs = s.rateSweep();
        String closed = LabOutputs.context(r);
        return closed + String.format(Locale.ROOT, "%n%nStatic batching runs with the fixed max_tokens rule (lab 02's) and, as a second "
                        + "setting, stopping when its last row ends; continuous batching stops each row at its own end. The rate sweep "
                        + "offered %s of static batching's (fixed) median closed-loop throughput at max_batch %d (%s req/s) for %.0f s "
                        + "each, every scheduler on a fresh server per rate warmed up with %d requests; goodput counts requests answered "
                        + "200 within %.0f ms. The timeline (`timeline.png`, `runs/*.trace.json`) is %.0f s of one model thread's passes "
                        + "from the middle of each scheduler's first closed-loop run at max_batch %d.",
                rs.fractions(), rs.maxBatch(), Acceptance.fmt(staticSaturationOr(r)), rs.duration().toMillis() / 1000.0, rs.warmup(),
                rs.sloMillis(), LabRunner.TRACE_SPAN_MS / 1000, rs.maxBatch());
    }

    /** How full the passes were, per configuration. */
    private static String passes(List<ConfigSummary> configs) {
        StringBuilder b = new StringBuilder("\n## How full the forward passes were\n\n");
        b.append("| configuration | mean rows per pass (static: per batch) | mean share of rows computing something needed per pass | "
                + "useful / computed tokens | mean time to first token (ms) |\n|---|---:|---:|---:|---:|\n");
        for (ConfigSummary c : configs)
            b.append("| ").append(c.config().describe()).append(" | ").append(Acceptance.fmt(c.meanBatchSize())).append(" | ")
                    .append(pctOrDash(c.meanIterationFill())).append(" | ").append(pctOrDash(c.usefulFraction())).append(" | ")
                    .append(Acceptance.fmt(c.meanFirstTokenMillis())).append(" |\n");
        b.append("\nThe distribution at the rate sweep's max_batch is in `step_fill_histogram.png`.\n");
        return b.toString();
    }

    private static String pctOrDash(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.1f%%", f * 100);
    }
}
