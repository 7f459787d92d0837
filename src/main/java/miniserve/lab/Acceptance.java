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
 * The lab's four acceptance checks and the stretch check, computed from the measured medians.
 * Nothing here is asserted by hand: every verdict follows from the numbers it prints.
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
    /** Stretch: max_batch = 1 matches the baseline when throughput and p50 differ by at most this fraction. */
    public static final double BASELINE_MATCH_TOLERANCE = 0.10;
    /**
     * A closed-loop run is flagged as disturbed when its model time per token slot exceeds its
     * configuration's fastest run's by this factor: the runs compute the same requests, so only
     * the machine can make one that much slower. Flagged runs still count in the medians.
     */
    public static final double DISTURBED_FACTOR = 1.5;

    public enum Verdict { PASS, FAIL, NOT_EVALUATED }

    /**
     * One check: what it requires, what was measured, and the verdict.
     *
     * @param label "1".."4" for the lab's checks, "2b" for the added equal-load check, "S" for the stretch
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
        checks.add(p95Worse(baseline, large, clients));
        checks.add(p95WorseAtEqualLoad(baseline, large));
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

    private static Check p95Worse(Optional<ConfigSummary> baseline, List<ConfigSummary> large, int clients) {
        String title = "p95 latency at max_batch >= " + FROM_MAX_BATCH + " is worse than the baseline's";
        String criterion = "for every configuration with max_batch >= " + FROM_MAX_BATCH
                + ": median p95 > the baseline's median p95 (the expected trade-off), under the lab's closed loop";
        if (baseline.isEmpty() || large.isEmpty() || Double.isNaN(baseline.get().p95()))
            return notEvaluated("2", title, criterion, baseline.isEmpty() ? "no baseline in this sweep" : "no configuration with max_batch >= " + FROM_MAX_BATCH);
        double base = baseline.get().p95();
        List<String> table = new ArrayList<>();
        table.add("| configuration | p95 (ms) | x baseline | mean latency (ms) | clients / throughput (ms) | verdict |");
        table.add("|---|---:|---:|---:|---:|---|");
        List<ConfigSummary> rows = new ArrayList<>();
        rows.add(baseline.get());
        rows.addAll(large);
        boolean pass = true;
        int worse = 0;
        double worstLittle = 0;
        for (ConfigSummary c : rows) {
            double little = clients / c.throughput() * 1e3;
            worstLittle = Math.max(worstLittle, Math.abs(c.meanLatency() / little - 1));
            String verdict = "";
            if (!c.config().unbatched()) {
                boolean ok = c.p95() > base;
                pass &= ok;
                if (ok) worse++;
                verdict = ok ? "PASS" : "FAIL";
            }
            table.add("| " + c.config().describe() + " | " + fmt(c.p95()) + " | " + fmt(c.p95() / base) + " | "
                    + fmt(c.meanLatency()) + " | " + fmt(little) + " | " + verdict + " |");
        }
        Check check = new Check("2", title, criterion, pass ? Verdict.PASS : Verdict.FAIL,
                worse + " of " + large.size() + " configurations have a higher p95 than the baseline's " + fmt(base) + " ms", table);
        if (!pass)
            check = check.withNote("In a closed loop without think time the clients are always waiting, so the mean latency is "
                    + "the number of clients divided by the throughput (Little's law; here the measured means are within "
                    + pct(worstLittle) + " of clients / throughput). A configuration that answers more requests per second "
                    + "therefore answers each one sooner: under this load batching lowers latency instead of raising it, "
                    + "and checks 1 and 2 cannot both pass unless the latency distribution is very skewed. "
                    + "The trade-off the lab describes appears at equal offered load: see check 2b.");
        return check;
    }

    private static Check p95WorseAtEqualLoad(Optional<ConfigSummary> baseline, List<ConfigSummary> large) {
        String title = "Added: at equal offered load, p95 at max_batch >= " + FROM_MAX_BATCH + " is worse than the baseline's";
        String criterion = "an open loop (Poisson arrivals) at the same rate for every configuration, a share of the baseline's "
                + "throughput: median p95 > the baseline's median p95 for every configuration with max_batch >= " + FROM_MAX_BATCH;
        if (baseline.isEmpty() || large.isEmpty() || !baseline.get().hasEqualLoad()
                || large.stream().anyMatch(c -> !c.hasEqualLoad()))
            return notEvaluated("2b", title, criterion, "no equal-load runs in this sweep (--equal-load 0, or no baseline)");
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
        return new Check("2b", title, criterion, pass ? Verdict.PASS : Verdict.FAIL,
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
        String criterion = "median throughput and median p50 of max_batch=1 within " + pct(BASELINE_MATCH_TOLERANCE)
                + " of the baseline's (the scheduler's overhead is the only expected difference)";
        Optional<ConfigSummary> one = batched.stream().filter(c -> c.config().maxBatch() == 1).findFirst();
        if (baseline.isEmpty() || one.isEmpty())
            return notEvaluated("S", title, criterion, baseline.isEmpty() ? "no baseline in this sweep" : "no max_batch=1 configuration");
        ConfigSummary b = baseline.get(), o = one.get();
        double dT = o.throughput() / b.throughput() - 1;
        double dP = o.p50() / b.p50() - 1;
        List<String> table = new ArrayList<>();
        table.add("| figure | baseline | " + o.config().describe() + " | difference |");
        table.add("|---|---:|---:|---:|");
        table.add("| throughput (req/s) | " + fmt(b.throughput()) + " | " + fmt(o.throughput()) + " | " + signedPct(dT) + " |");
        table.add("| p50 (ms) | " + fmt(b.p50()) + " | " + fmt(o.p50()) + " | " + signedPct(dP) + " |");
        table.add("| p95 (ms) | " + fmt(b.p95()) + " | " + fmt(o.p95()) + " | " + signedPct(o.p95() / b.p95() - 1) + " |");
        // the two servers side by side in each round show how much of the difference is the machine's drift
        for (int i = 0; i < Math.min(b.runs().size(), o.runs().size()); i++) {
            double tb = b.runs().get(i).throughput(), to = o.runs().get(i).throughput();
            table.add("| throughput, round " + (i + 1) + " | " + fmt(tb) + " | " + fmt(to) + " | " + signedPct(to / tb - 1) + " |");
        }
        boolean pass = Math.abs(dT) <= BASELINE_MATCH_TOLERANCE && Math.abs(dP) <= BASELINE_MATCH_TOLERANCE;
        // how far the baseline's own runs lie from its median: a difference inside that is not resolved by this sweep
        DoubleSummaryStatistics runs = b.runs().stream().mapToDouble(RunResult::throughput).summaryStatistics();
        String spread = runs.getCount() < 2 ? "" : "; the baseline's own runs lie " + signedPct(runs.getMin() / b.throughput() - 1)
                + " to " + signedPct(runs.getMax() / b.throughput() - 1) + " from its median throughput";
        return new Check("S", title, criterion, pass ? Verdict.PASS : Verdict.FAIL,
                "throughput " + signedPct(dT) + ", p50 " + signedPct(dP) + " (tolerance " + pct(BASELINE_MATCH_TOLERANCE) + ")" + spread, table);
    }

    private static Check notEvaluated(String label, String title, String criterion, String why) {
        return new Check(label, title, criterion, Verdict.NOT_EVALUATED, why, List.of());
    }

    /** acceptance.md: the verdicts first, then each check with its numbers. */
    public static String markdown(List<Check> checks, List<ConfigSummary> configs, String context) {
        StringBuilder b = new StringBuilder();
        b.append("# Lab 02 acceptance\n\n").append(context).append("\n\n");
        b.append("| # | check | verdict | measured |\n|---|---|---|---|\n");
        for (Check c : checks) {
            b.append("| ").append(c.label()).append(" | ").append(c.title()).append(" | **").append(c.verdict()).append("** | ")
                    .append(c.finding()).append(" |\n");
        }
        for (Check c : checks) {
            String num = c.label().equals("S") ? "" : c.label() + ". ";
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
