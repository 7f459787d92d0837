package miniserve.lab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Lab 02's four acceptance checks and the stretch check, computed from the measured medians, and the
 * closed-loop latency reported beside them. Nothing here is asserted by hand: every verdict follows
 * from the numbers it prints.
 */
public final class Acceptance {

    /** Check 1: throughput at max_batch >= 4 must be at least this multiple of the baseline's. */
    public static final double MIN_SPEEDUP = 1.5;
    /** What the lab aims for at max_batch = 8 (reported, not a pass/fail criterion). */
    public static final double AIM_SPEEDUP_AT_8 = 3.0;
    public static final int FROM_MAX_BATCH = 4;
    /**
     * Check 3: throughput has saturated at a max_batch b (not the largest of the sweep) when no larger
     * max_batch gives at least this much more throughput than b.
     */
    public static final double SATURATION_GAIN = 0.10;
    /**
     * Stretch: max_batch = 1 matches the baseline when the 95% interval of the paired difference of
     * throughput, and of p50, lies within this fraction either way.
     */
    public static final double BASELINE_MATCH_TOLERANCE = 0.10;
    /**
     * A closed-loop run is flagged as disturbed when its model time per token slot exceeds its
     * configuration's fastest run's by this factor: the runs compute the same requests, so only
     * the machine can make one that much slower. Flagged runs still count in the medians.
     */
    public static final double DISTURBED_FACTOR = 1.5;

    /**
     * PASS and FAIL judge a check; INCONCLUSIVE says the runs cannot tell (an interval straddles the bound);
     * REPORTED marks figures shown for reading, not judged.
     */
    public enum Verdict { PASS, FAIL, INCONCLUSIVE, REPORTED, NOT_EVALUATED }

    /**
     * One check: what it requires, what was measured, and the verdict.
     *
     * @param label "1".."4" for the lab's checks, "R" for a reported figure, "S" for the stretch
     * @param note  an explanation of the numbers, or empty
     */
    public record Check(String label, String title, String criterion, Verdict verdict, String finding,
                        List<String> table, String note) {

        Check(String label, String title, String criterion, Verdict verdict, String finding, List<String> table) {
            this(label, title, criterion, verdict, finding, table, "");
        }

        Check withNote(String n) {
            return new Check(label, title, criterion, verdict, finding, table, n);
        }
    }

    private Acceptance() {}

    /**
     * @param clients the closed loop's number of clients (for the Little's-law reading of check 2)
     */
    public static List<Check> evaluate(List<ConfigSummary> configs, int clients) {
        Optional<ConfigSummary> baseline = configs.stream().filter(c -> c.config().unbatched()).findFirst();
        List<ConfigSummary> batched = configs.stream().filter(c -> !c.config().unbatched())
                .sorted(Comparator.comparingInt((ConfigSummary c) -> c.config().maxBatch())
                        .thenComparingInt(c -> c.config().maxWaitMs()))
                .toList();
        List<ConfigSummary> large = batched.stream().filter(c -> c.config().maxBatch() >= FROM_MAX_BATCH).toList();
        List<Check> checks = new ArrayList<>();
        checks.add(throughputGain(baseline, large));
        checks.add(p95WorseAtEqualLoad(baseline, large));
        checks.add(closedLoopP95(baseline, large, clients));
        checks.add(saturation(batched));
        checks.add(allAnswered(configs));
        checks.add(maxBatchOneMatchesBaseline(baseline, batched));
        return checks;
    }

    private static Check throughputGain(Optional<ConfigSummary> baseline, List<ConfigSummary> large) {
        String title = "Throughput at max_batch >= " + FROM_MAX_BATCH + " is at least " + fmt(MIN_SPEEDUP) + "x the baseline";
        String criterion = "for every configuration with max_batch >= " + FROM_MAX_BATCH
                + ": median throughput >= " + fmt(MIN_SPEEDUP) + " x the unbatched baseline's median throughput";
        if (baseline.isEmpty() || large.isEmpty() || Double.isNaN(baseline.get().throughput()))
            return notEvaluated("1", title, criterion, baseline.isEmpty() ? "no baseline in this sweep" : "no configuration with max_batch >= " + FROM_MAX_BATCH);
        double base = baseline.get().throughput();
        List<String> table = new ArrayList<>();
        table.add("| configuration | throughput (req/s) | x baseline | verdict |");
        table.add("|---|---:|---:|---|");
        table.add("| unbatched baseline | " + fmt(base) + " | 1.00 | |");
        boolean pass = base > 0;
        double worst = Double.POSITIVE_INFINITY;
        for (ConfigSummary c : large) {
            double ratio = c.throughput() / base;
            boolean ok = ratio >= MIN_SPEEDUP;
            pass &= ok;
            worst = Math.min(worst, ratio);
            table.add("| " + c.config().describe() + " | " + fmt(c.throughput()) + " | " + fmt(ratio) + " | " + (ok ? "PASS" : "FAIL") + " |");
        }
        String finding = "lowest ratio " + fmt(worst) + "x (required " + fmt(MIN_SPEEDUP) + "x)";
        Optional<ConfigSummary> at8 = large.stream().filter(c -> c.config().maxBatch() == 8).findFirst();
        if (at8.isPresent())
            finding += "; at max_batch=8 " + fmt(at8.get().throughput() / base) + "x (the lab aims for "
                    + fmt(AIM_SPEEDUP_AT_8) + "x: " + (at8.get().throughput() / base >= AIM_SPEEDUP_AT_8 ? "reached" : "not reached") + ")";
        return new Check("1", title, criterion, pass ? Verdict.PASS : Verdict.FAIL, finding, table);
    }

    /** Check 2's old form, now reported: p95 under the closed loop, where latency follows throughput (Little's law). */
    private static Check closedLoopP95(Optional<ConfigSummary> baseline, List<ConfigSummary> large, int clients) {
        String title = "Reported: closed-loop p95 at max_batch >= " + FROM_MAX_BATCH + " against the baseline's";
        String criterion = "none (reported, not judged): under the lab's closed loop of " + clients + " clients, median p95 of every "
                + "configuration with max_batch >= " + FROM_MAX_BATCH + " beside the baseline's, and the mean latency beside clients / throughput";
        if (baseline.isEmpty() || large.isEmpty() || Double.isNaN(baseline.get().p95()))
            return notEvaluated("R", title, criterion, baseline.isEmpty() ? "no baseline in this sweep" : "no configuration with max_batch >= " + FROM_MAX_BATCH);
        double base = baseline.get().p95();
        List<String> table = new ArrayList<>();
        table.add("| configuration | p95 (ms) | x baseline | mean latency (ms) | clients / throughput (ms) |");
        table.add("|---|---:|---:|---:|---:|");
        List<ConfigSummary> rows = new ArrayList<>();
        rows.add(baseline.get());
        rows.addAll(large);
        int higher = 0;
        double worstLittle = 0;
        for (ConfigSummary c : rows) {
            double little = clients / c.throughput() * 1e3;
            worstLittle = Math.max(worstLittle, Math.abs(c.meanLatency() / little - 1));
            if (!c.config().unbatched() && c.p95() > base) higher++;
            table.add("| " + c.config().describe() + " | " + fmt(c.p95()) + " | " + fmt(c.p95() / base) + " | "
                    + fmt(c.meanLatency()) + " | " + fmt(little) + " |");
        }
        return new Check("R", title, criterion, Verdict.REPORTED,
                higher + " of " + large.size() + " configurations have a higher p95 than the baseline's " + fmt(base)
                        + " ms; mean latencies within " + pct(worstLittle) + " of clients / throughput", table)
                .withNote("In a closed loop without think time the clients are always waiting, so the mean latency is "
                        + "the number of clients divided by the throughput (Little's law). A configuration that answers more "
                        + "requests per second therefore answers each one sooner: under this load batching lowers latency "
                        + "instead of raising it. The trade-off the lab describes shows at equal offered load, which check 2 judges.");
    }

    private static Check p95WorseAtEqualLoad(Optional<ConfigSummary> baseline, List<ConfigSummary> large) {
        String title = "p95 latency at max_batch >= " + FROM_MAX_BATCH + " is worse than the baseline's at equal offered load";
        String criterion = "an open loop (Poisson arrivals) at the same rate for every configuration, a share of the baseline's "
                + "throughput: median p95 > the baseline's median p95 for every configuration with max_batch >= " + FROM_MAX_BATCH;
        if (baseline.isEmpty() || large.isEmpty() || !baseline.get().hasEqualLoad()
                || large.stream().anyMatch(c -> !c.hasEqualLoad()))
            return notEvaluated("2", title, criterion, "no equal-load runs in this sweep (--equal-load 0, or no baseline)");
        ConfigSummary b = baseline.get();
        double base = b.equalLoad(r -> r.latencyMillis(95));
        List<String> table = new ArrayList<>();
        table.add("| configuration | offered (req/s) | answered 200 per s | p50 (ms) | p95 (ms) | x baseline | mean batch size | verdict |");
        table.add("|---|---:|---:|---:|---:|---:|---:|---|");
        table.add(equalLoadRow(b, base, ""));
        boolean pass = true;
        int worse = 0;
        for (ConfigSummary c : large) {
            boolean ok = c.equalLoad(r -> r.latencyMillis(95)) > base;
            pass &= ok;
            if (ok) worse++;
            table.add(equalLoadRow(c, base, ok ? "PASS" : "FAIL"));
        }
        int runs = b.equalLoadRuns().size();
        return new Check("2", title, criterion, pass ? Verdict.PASS : Verdict.FAIL,
                worse + " of " + large.size() + " configurations have a higher p95 than the baseline's " + fmt(base)
                        + " ms at " + fmt(b.equalLoad(RunResult::offeredRate)) + " req/s ("
                        + (runs == 1 ? "one run each" : "median of " + runs + " runs each") + ")", table)
                .withNote("Latency here is measured from each request's scheduled arrival, so time spent waiting for a "
                        + "batch to fill (up to max_wait_ms) and for the whole batch's fixed max_tokens counts in full.");
    }

    private static String equalLoadRow(ConfigSummary c, double baseP95, String verdict) {
        double p95 = c.equalLoad(r -> r.latencyMillis(95));
        return "| " + c.config().describe() + " | " + fmt(c.equalLoad(RunResult::offeredRate)) + " | "
                + fmt(c.equalLoad(RunResult::throughput)) + " | " + fmt(c.equalLoad(r -> r.latencyMillis(50))) + " | "
                + fmt(p95) + " | " + fmt(p95 / baseP95) + " | " + fmt(c.equalLoad(r -> r.batch().meanBatchSize())) + " | " + verdict + " |";
    }

    private static Check saturation(List<ConfigSummary> batched) {
        String title = "Throughput saturates within the sweep";
        String criterion = "some max_batch b, not the largest swept, such that no larger max_batch gives "
                + pct(SATURATION_GAIN) + " or more throughput than b (per max_batch, the best max_wait_ms)";
        Map<Integer, ConfigSummary> best = new TreeMap<>();
        for (ConfigSummary c : batched)
            best.merge(c.config().maxBatch(), c, (a, b) -> b.throughput() > a.throughput() ? b : a);
        if (best.size() < 2)
            return notEvaluated("3", title, criterion, "needs at least two values of max_batch, the sweep has " + best.size());
        List<ConfigSummary> points = new ArrayList<>(best.values());
        List<String> table = new ArrayList<>();
        table.add("| max_batch | configuration | throughput (req/s) | vs previous | best larger max_batch vs this |");
        table.add("|---:|---|---:|---:|---:|");
        Integer saturatedAt = null;
        double gainAfter = Double.NaN;
        for (int i = 0; i < points.size(); i++) {
            ConfigSummary c = points.get(i);
            double t = c.throughput();
            double bestLater = Double.NaN;
            for (int j = i + 1; j < points.size(); j++)
                bestLater = Double.isNaN(bestLater) ? points.get(j).throughput() : Math.max(bestLater, points.get(j).throughput());
            double later = bestLater / t - 1;
            String prev = i == 0 ? "" : signedPct(t / points.get(i - 1).throughput() - 1);
            table.add("| " + c.config().maxBatch() + " | " + c.config().describe() + " | " + fmt(t) + " | " + prev
                    + " | " + (Double.isNaN(bestLater) ? "(largest)" : signedPct(later)) + " |");
            if (saturatedAt == null && !Double.isNaN(bestLater) && later < SATURATION_GAIN) {
                saturatedAt = c.config().maxBatch();
                gainAfter = later;
            }
        }
        if (saturatedAt == null)
            return new Check("3", title, criterion, Verdict.FAIL,
                    "throughput still grows by " + pct(SATURATION_GAIN) + " or more at the largest max_batch swept", table);
        return new Check("3", title, criterion, Verdict.PASS, "saturates at max_batch=" + saturatedAt
                + ": the best larger max_batch gives " + signedPct(gainAfter) + " throughput", table);
    }

    private static Check allAnswered(List<ConfigSummary> configs) {
        String title = "Every request is answered 200";
        String criterion = "in every measured run, the closed loop's and the equal-load runs': no other status, no timeout, "
                + "no transport error, nothing left unsent";
        if (configs.isEmpty()) return notEvaluated("4", title, criterion, "no run");
        List<String> table = new ArrayList<>();
        table.add("| configuration | requests | 200 | not 200 (status, timeout, error) | equal load: 200 of requests | warm-up not 200 |");
        table.add("|---|---:|---:|---:|---:|---:|");
        long planned = 0, ok = 0, failed = 0, eqPlanned = 0, eqOk = 0, warmFailed = 0;
        for (ConfigSummary c : configs) {
            int warm = c.warmupRequests() - c.warmupOk();
            planned += c.planned();
            ok += c.ok();
            failed += c.failed();
            eqPlanned += c.equalLoadPlanned();
            eqOk += c.equalLoadOk();
            warmFailed += warm;
            table.add("| " + c.config().describe() + " | " + c.planned() + " | " + c.ok() + " | " + c.failed() + " | "
                    + (c.hasEqualLoad() ? c.equalLoadOk() + " of " + c.equalLoadPlanned() : "-") + " | " + warm + " |");
        }
        boolean pass = failed == 0 && ok == planned && eqOk == eqPlanned;
        String finding = ok + " of " + planned + " measured requests answered 200";
        if (eqPlanned > 0) finding += " in the closed loop, " + eqOk + " of " + eqPlanned + " in the equal-load runs";
        if (warmFailed > 0) finding += "; " + warmFailed + " warm-up requests were not (warm-up is outside the check)";
        return new Check("4", title, criterion, pass ? Verdict.PASS : Verdict.FAIL, finding, table);
    }

    private static Check maxBatchOneMatchesBaseline(Optional<ConfigSummary> baseline, List<ConfigSummary> batched) {
        String title = "Stretch: max_batch=1 behaves like the unbatched baseline";
        String criterion = "over the alternated pairs of runs of the two servers, the 95% confidence interval of the paired difference "
                + "of throughput and of p50 (max_batch=1 against the baseline) within " + pct(BASELINE_MATCH_TOLERANCE)
                + " either way: PASS when both lie inside, FAIL when one lies wholly outside, INCONCLUSIVE when one straddles the bound "
                + "(the runs cannot tell the scheduler's overhead from the machine's noise)";
        Optional<ConfigSummary> one = batched.stream().filter(c -> c.config().kind() == ServerConfig.Kind.STATIC
                && c.config().maxBatch() == 1).findFirst();
        if (baseline.isEmpty() || one.isEmpty())
            return notEvaluated("S", title, criterion, baseline.isEmpty() ? "no baseline in this sweep" : "no max_batch=1 configuration");
        ConfigSummary b = baseline.get(), o = one.get();
        List<String> table = new ArrayList<>();
        table.add("| pair | baseline (req/s) | " + o.config().describe() + " (req/s) | throughput difference | baseline p50 (ms) | max_batch=1 p50 (ms) | p50 difference |");
        table.add("|---:|---:|---:|---:|---:|---:|---:|");
        List<Double> dT = new ArrayList<>(), dP = new ArrayList<>();
        for (RunResult rb : b.runs()) {
            Optional<RunResult> ro = o.runs().stream().filter(r -> r.repetition() == rb.repetition()).findFirst();
            if (ro.isEmpty()) continue;
            double t = ro.get().throughput() / rb.throughput() - 1, p = ro.get().latencyMillis(50) / rb.latencyMillis(50) - 1;
            dT.add(t);
            dP.add(p);
            table.add("| " + rb.repetition() + " | " + fmt(rb.throughput()) + " | " + fmt(ro.get().throughput()) + " | " + signedPct(t)
                    + " | " + fmt(rb.latencyMillis(50)) + " | " + fmt(ro.get().latencyMillis(50)) + " | " + signedPct(p) + " |");
        }
        if (dT.size() < 2)
            return new Check("S", title, criterion, Verdict.NOT_EVALUATED, dT.size() + " pair of runs; a confidence interval needs at least 2", table);
        PairedDifference throughput = PairedDifference.of(dT.stream().mapToDouble(Double::doubleValue).toArray());
        PairedDifference p50 = PairedDifference.of(dP.stream().mapToDouble(Double::doubleValue).toArray());
        table.add("| mean (95% interval) | | | " + interval(throughput) + " | | | " + interval(p50) + " |");
        Verdict verdict = stretchVerdict(throughput.within(BASELINE_MATCH_TOLERANCE), p50.within(BASELINE_MATCH_TOLERANCE));
        return new Check("S", title, criterion, verdict, throughput.n() + " pairs: throughput " + interval(throughput) + ", p50 "
                + interval(p50) + " (tolerance " + pct(BASELINE_MATCH_TOLERANCE) + ")", table);
    }

    /** Both figures must pass; either failing fails; otherwise the runs could not tell. */
    static Verdict stretchVerdict(Verdict throughput, Verdict p50) {
        if (throughput == Verdict.FAIL || p50 == Verdict.FAIL) return Verdict.FAIL;
        if (throughput == Verdict.PASS && p50 == Verdict.PASS) return Verdict.PASS;
        return Verdict.INCONCLUSIVE;
    }

    static String interval(PairedDifference d) {
        return signedPct(d.mean()) + " [" + signedPct(d.low()) + ", " + signedPct(d.high()) + "]";
    }

    private static Check notEvaluated(String label, String title, String criterion, String why) {
        return new Check(label, title, criterion, Verdict.NOT_EVALUATED, why, List.of());
    }

    /** acceptance.md: the verdicts first, then each check with its numbers. */
    public static String markdown(List<Check> checks, List<ConfigSummary> configs, String context) {
        return markdown("Lab 02 acceptance", checks, configs, context);
    }

    /** {@link #markdown(List, List, String)} under another title. */
    static String markdown(String title, List<Check> checks, List<ConfigSummary> configs, String context) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n").append(context).append("\n\n");
        b.append("| # | check | verdict | measured |\n|---|---|---|---|\n");
        for (Check c : checks) {
            b.append("| ").append(c.label()).append(" | ").append(c.title()).append(" | **").append(c.verdict()).append("** | ")
                    .append(c.finding()).append(" |\n");
        }
        for (Check c : checks) {
            String num = c.label().equals("S") || c.label().equals("R") ? "" : c.label() + ". ";
            b.append("\n## ").append(num).append(c.title()).append(": ").append(c.verdict()).append("\n\n");
            b.append("Criterion: ").append(c.criterion()).append(".\n\n");
            b.append("Measured: ").append(c.finding()).append(".\n");
            if (!c.table().isEmpty()) {
                b.append('\n');
                for (String row : c.table()) b.append(row).append('\n');
            }
            if (!c.note().isEmpty()) b.append('\n').append(c.note()).append('\n');
        }
        b.append(disturbedRuns(configs));
        b.append("\n## Stretch: how full the batches were\n\n");
        b.append("| configuration | mean batch size | mean fill (of max_batch) | mean queue wait (ms) | mean model time per batch (ms) | peak queue depth | useful / computed tokens |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (ConfigSummary c : configs)
            b.append("| ").append(c.config().describe()).append(" | ").append(fmt(c.meanBatchSize())).append(" | ")
                    .append(pctOrDash(c.meanBatchFill())).append(" | ").append(fmt(c.meanQueueWaitMillis())).append(" | ")
                    .append(fmt(c.meanBatchModelMillis())).append(" | ").append(fmt(c.peakQueueDepth())).append(" | ")
                    .append(pctOrDash(c.usefulFraction())).append(" |\n");
        b.append("\nThe distribution per configuration is in `batch_fill_histogram.png`.\n");
        return b.toString();
    }

    /** The section on runs the machine slowed down, or "" when there is nothing to compare. */
    static String disturbedRuns(List<ConfigSummary> configs) {
        List<String> rows = new ArrayList<>();
        int compared = 0;
        for (ConfigSummary c : configs) {
            DoubleSummaryStatistics perSlot = c.runs().stream().mapToDouble(r -> r.batch().modelMillisPerTokenSlot())
                    .filter(v -> !Double.isNaN(v)).summaryStatistics();
            if (perSlot.getCount() < 2) continue; // nothing to compare a run with
            double fastest = perSlot.getMin();
            compared++;
            for (RunResult r : c.runs()) {
                double ms = r.batch().modelMillisPerTokenSlot();
                if (ms / fastest > DISTURBED_FACTOR)
                    rows.add("| " + c.config().describe() + " | " + r.repetition() + " | " + fmt(r.throughput()) + " | "
                            + fmt(ms * 1e3) + " | " + fmt(fastest * 1e3) + " | " + fmt(ms / fastest) + " |");
            }
        }
        if (compared == 0) return "";
        StringBuilder b = new StringBuilder("\n## Runs the machine slowed down\n\n");
        b.append("The runs of a configuration compute the same requests, so their model time per token slot should agree; a run ")
                .append("more than ").append(fmt(DISTURBED_FACTOR)).append("x slower than its configuration's fastest run was slowed ")
                .append("down by the machine (other work on the shared cores), not by the configuration. Such runs still count in ")
                .append("the medians above; this list says which figures they touched.\n\n");
        if (rows.isEmpty()) return b.append("None: every run is within ").append(fmt(DISTURBED_FACTOR)).append("x of its configuration's fastest.\n").toString();
        b.append("| configuration | run | throughput (req/s) | model time per token slot (us) | fastest run's (us) | slower by |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        for (String row : rows) b.append(row).append('\n');
        return b.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "-";
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String signedPct(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
    }

    private static String pctOrDash(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }
}
