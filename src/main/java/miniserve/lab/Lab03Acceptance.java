package miniserve.lab;

import miniserve.lab.Acceptance.Check;
import miniserve.lab.Acceptance.Verdict;
import miniserve.lab.ServerConfig.Kind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static miniserve.lab.Acceptance.fmt;
import static miniserve.lab.Acceptance.pct;

/**
 * Lab 03's acceptance checks, computed from the measured medians and the rate sweep: continuous
 * batching against static batching. Every verdict follows from the numbers it prints.
 */
public final class Lab03Acceptance {

    /** Check 1: continuous batching's closed-loop throughput at max_batch 8 over static batching's (fixed max_tokens). */
    public static final double MIN_SPEEDUP = 1.3;
    /** Check 3: useful token slots over computed ones, for continuous batching. */
    public static final double MIN_USEFUL_SHARE = 0.85;

    private Lab03Acceptance() {}

    /**
     * @param maxBatch  the max_batch of checks 1 and 2 (the rate sweep's)
     * @param sloMillis the latency objective of the reported goodput
     */
    public static List<Check> evaluate(List<ConfigSummary> configs, List<SweepResult.RatePoint> rates, int maxBatch,
                                       double sloMillis, int clients) {
        List<Check> checks = new ArrayList<>();
        checks.add(throughputGain(configs, maxBatch, clients));
        checks.add(p95AtEqualLoad(configs, rates, maxBatch));
        checks.add(usefulShare(configs));
        checks.add(allAnswered(configs, rates, maxBatch));
        checks.add(goodput(rates, sloMillis));
        return checks;
    }

    static Optional<ConfigSummary> at(List<ConfigSummary> configs, Kind kind, int maxBatch) {
        return configs.stream().filter(c -> c.config().kind() == kind && c.config().maxBatch() == maxBatch).findFirst();
    }

    private static Check throughputGain(List<ConfigSummary> configs, int maxBatch, int clients) {
        String title = "Continuous batching answers at least " + fmt(MIN_SPEEDUP) + "x static batching's throughput at max_batch " + maxBatch;
        String criterion = "closed loop of " + clients + " clients: median throughput of continuous batching >= " + fmt(MIN_SPEEDUP)
                + " x that of static batching with the fixed max_tokens rule, both at max_batch " + maxBatch;
        Optional<ConfigSummary> fixed = at(configs, Kind.STATIC, maxBatch), cont = at(configs, Kind.CONTINUOUS, maxBatch);
        if (fixed.isEmpty() || cont.isEmpty() || !(fixed.get().throughput() > 0))
            return new Check("1", title, criterion, Verdict.NOT_EVALUATED, "the sweep lacks static or continuous batching at max_batch " + maxBatch, List.of());
        double base = fixed.get().throughput();
        List<String> table = new ArrayList<>();
        table.add("| configuration | throughput (req/s) | x static (fixed max_tokens) | p95 (ms) | mean latency (ms) | clients / throughput (ms) |");
        table.add("|---|---:|---:|---:|---:|---:|");
        for (Kind k : Charts.SCHEDULERS)
            at(configs, k, maxBatch).ifPresent(c -> table.add("| " + c.config().describe() + " | " + fmt(c.throughput()) + " | "
                    + fmt(c.throughput() / base) + " | " + fmt(c.p95()) + " | " + fmt(c.meanLatency()) + " | " + fmt(clients / c.throughput() * 1e3) + " |"));
        double ratio = cont.get().throughput() / base;
        return new Check("1", title, criterion, ratio >= MIN_SPEEDUP ? Verdict.PASS : Verdict.FAIL,
                "continuous " + fmt(cont.get().throughput()) + " req/s, static " + fmt(base) + " req/s: " + fmt(ratio) + "x (required "
                        + fmt(MIN_SPEEDUP) + "x)", table)
                .withNote("In this closed loop the clients are always waiting, so the mean latency is about clients / throughput "
                        + "(Little's law): the faster scheduler is also the one with the lower latency here; the trade-off at equal "
                        + "offered load is check 2's.");
    }

    private static Check p95AtEqualLoad(List<ConfigSummary> configs, List<SweepResult.RatePoint> rates, int maxBatch) {
        String title = "At equal offered load below static batching's saturation, continuous batching's p95 is no worse than static batching's";
        String criterion = "open loop (Poisson arrivals, latency from the scheduled arrival), max_batch " + maxBatch + ": at every offered "
                + "rate below a static scheduler's saturation (its median closed-loop throughput), continuous batching's p95 <= that "
                + "static scheduler's p95, for static batching with the fixed max_tokens rule and to the last row's end";
        List<Double> fractions = rates.stream().map(SweepResult.RatePoint::fraction).distinct().sorted().toList();
        List<String> table = new ArrayList<>();
        table.add("| offered (req/s) | static, fixed max_tokens: p95 (ms) | static, to the last end: p95 (ms) | continuous: p95 (ms) | verdict |");
        table.add("|---:|---:|---:|---:|---|");
        int compared = 0, worse = 0;
        for (double f : fractions) {
            Optional<RunResult> fixed = point(rates, Kind.STATIC, f), ended = point(rates, Kind.STATIC_ALL_ENDED, f), cont = point(rates, Kind.CONTINUOUS, f);
            if (cont.isEmpty()) continue;
            double offered = cont.get().offeredRate(), p95 = cont.get().latencyMillis(95);
            List<String> verdicts = new ArrayList<>();
            for (var s : List.of(new Object[]{Kind.STATIC, fixed, "fixed"}, new Object[]{Kind.STATIC_ALL_ENDED, ended, "to the end"})) {
                @SuppressWarnings("unchecked") Optional<RunResult> run = (Optional<RunResult>) s[1];
                Optional<ConfigSummary> closed = at(configs, (Kind) s[0], maxBatch);
                if (run.isEmpty() || closed.isEmpty()) continue;
                if (!(offered < closed.get().throughput())) {
                    verdicts.add("past the saturation of static (" + s[2] + ")");
                    continue;
                }
                compared++;
                boolean ok = p95 <= run.get().latencyMillis(95);
                if (!ok) worse++;
                verdicts.add((ok ? "PASS" : "FAIL") + " against static (" + s[2] + ")");
            }
            table.add("| " + fmt(offered) + " | " + fmt(fixed.map(r -> r.latencyMillis(95)).orElse(Double.NaN)) + " | "
                    + fmt(ended.map(r -> r.latencyMillis(95)).orElse(Double.NaN)) + " | " + fmt(p95) + " | " + String.join("; ", verdicts) + " |");
        }
        if (compared == 0)
            return new Check("2", title, criterion, Verdict.NOT_EVALUATED, "no offered rate below a static scheduler's saturation", table);
        return new Check("2", title, criterion, worse == 0 ? Verdict.PASS : Verdict.FAIL,
                (compared - worse) + " of " + compared + " comparisons below saturation: continuous p95 no worse than static's", table);
    }

    private static Optional<RunResult> point(List<SweepResult.RatePoint> rates, Kind kind, double fraction) {
        return rates.stream().filter(p -> p.config().kind() == kind && p.fraction() == fraction).map(SweepResult.RatePoint::run).findFirst();
    }

    private static Check usefulShare(List<ConfigSummary> configs) {
        String title = "Continuous batching computes at least " + pct(MIN_USEFUL_SHARE) + " useful token slots";
        String criterion = "for every continuous configuration, the median over its closed-loop runs of useful over computed token slots "
                + "(no padding, nothing after a row's end) >= " + pct(MIN_USEFUL_SHARE) + "; static batching beside it for comparison";
        List<ConfigSummary> rows = configs.stream().filter(c -> !c.config().unbatched())
                .sorted(Comparator.comparingInt((ConfigSummary c) -> c.config().maxBatch()).thenComparing(c -> c.config().kind())).toList();
        List<String> table = new ArrayList<>();
        table.add("| configuration | useful / computed | padding / computed | after end / computed | verdict |");
        table.add("|---|---:|---:|---:|---|");
        boolean pass = true;
        double lowest = Double.NaN;
        int judged = 0;
        for (ConfigSummary c : rows) {
            boolean cont = c.config().kind() == Kind.CONTINUOUS;
            double useful = c.usefulFraction();
            String verdict = "";
            if (cont) {
                judged++;
                boolean ok = useful >= MIN_USEFUL_SHARE;
                pass &= ok;
                lowest = Double.isNaN(lowest) ? useful : Math.min(lowest, useful);
                verdict = ok ? "PASS" : "FAIL";
            }
            table.add("| " + c.config().describe() + " | " + share(useful) + " | " + share(c.tokensPadding() / c.tokensComputed()) + " | "
                    + share(c.tokensAfterEnd() / c.tokensComputed()) + " | " + verdict + " |");
        }
        if (judged == 0 || Double.isNaN(lowest))
            return new Check("3", title, criterion, Verdict.NOT_EVALUATED, "no continuous configuration reported its work", table);
        return new Check("3", title, criterion, pass ? Verdict.PASS : Verdict.FAIL,
                "lowest useful share of continuous batching " + share(lowest) + " over " + judged + " configurations", table);
    }

    private static Check allAnswered(List<ConfigSummary> configs, List<SweepResult.RatePoint> rates, int maxBatch) {
        String title = "Every request is answered 200";
        String criterion = "every closed-loop run, and every open-loop run offered less than static batching's (fixed max_tokens) "
                + "saturation: no other status, no timeout, no transport error (past that saturation the refusals are reported, not judged)";
        long planned = configs.stream().mapToLong(ConfigSummary::planned).sum();
        long closedFailed = configs.stream().mapToLong(ConfigSummary::failed).sum();
        double saturation = at(configs, Kind.STATIC, maxBatch).map(ConfigSummary::throughput).orElse(Double.NaN);
        long openPlanned = 0, openOk = 0;
        List<String> table = new ArrayList<>();
        table.add("| run | requests | 200 | not 200 | judged |");
        table.add("|---|---:|---:|---:|---|");
        for (ConfigSummary c : configs)
            if (c.failed() > 0) table.add("| " + c.config().describe() + ", closed loop | " + c.planned() + " | " + c.ok() + " | " + c.failed() + " | yes |");
        for (SweepResult.RatePoint p : rates) {
            RunResult r = p.run();
            boolean judged = r.offeredRate() < saturation;
            if (judged) {
                openPlanned += r.planned();
                openOk += r.ok();
            }
            table.add("| " + p.config().describe() + String.format(", open loop %.1f req/s", r.offeredRate()) + " | " + r.planned() + " | "
                    + r.ok() + " | " + r.failed() + " " + statuses(r) + " | " + (judged ? "yes" : "no (past saturation)") + " |");
        }
        boolean pass = closedFailed == 0 && openOk == openPlanned;
        return new Check("4", title, criterion, pass ? Verdict.PASS : Verdict.FAIL,
                (planned - closedFailed) + " of " + planned + " closed-loop requests and " + openOk + " of " + openPlanned
                        + " open-loop requests below saturation answered 200", table);
    }

    private static String statuses(RunResult r) {
        if (r.failed() == 0) return "";
        List<String> parts = new ArrayList<>();
        r.statusCounts().forEach((status, n) -> {
            if (status != 200) parts.add(n + "x " + status);
        });
        if (r.timeouts() > 0) parts.add(r.timeouts() + " timeouts");
        if (r.errors() > 0) parts.add(r.errors() + " errors");
        return "(" + String.join(", ", parts) + ")";
    }

    private static Check goodput(List<SweepResult.RatePoint> rates, double sloMillis) {
        String title = "Reported: goodput under a " + fmt(sloMillis) + " ms latency objective";
        String criterion = "none (reported, not judged): requests answered 200 within " + fmt(sloMillis) + " ms of their scheduled arrival, "
                + "per second, at each offered rate";
        if (rates.isEmpty()) return new Check("R", title, criterion, Verdict.NOT_EVALUATED, "no rate sweep in this run", List.of());
        List<Double> fractions = rates.stream().map(SweepResult.RatePoint::fraction).distinct().sorted().toList();
        List<String> table = new ArrayList<>();
        StringBuilder head = new StringBuilder("| offered (req/s) |"), rule = new StringBuilder("|---:|");
        for (Kind k : Charts.SCHEDULERS) {
            head.append(' ').append(shortName(k)).append(": goodput (req/s) |");
            rule.append("---:|");
        }
        table.add(head.toString());
        table.add(rule.toString());
        double bestCont = 0, bestStatic = 0;
        for (double f : fractions) {
            StringBuilder row = new StringBuilder();
            double offered = Double.NaN;
            for (Kind k : Charts.SCHEDULERS) {
                Optional<RunResult> r = point(rates, k, f);
                if (r.isPresent()) offered = r.get().offeredRate();
                double g = r.map(x -> x.goodput(sloMillis)).orElse(Double.NaN);
                if (k == Kind.CONTINUOUS && g > bestCont) bestCont = g;
                if (k == Kind.STATIC && g > bestStatic) bestStatic = g;
                row.append(' ').append(fmt(g)).append(" |");
            }
            table.add("| " + fmt(offered) + " |" + row);
        }
        return new Check("R", title, criterion, Verdict.REPORTED, "highest goodput: continuous " + fmt(bestCont) + " req/s, static (fixed) "
                + fmt(bestStatic) + " req/s", table);
    }

    private static String shortName(Kind k) {
        return switch (k) {
            case STATIC -> "static (fixed)";
            case STATIC_ALL_ENDED -> "static (to the end)";
            case CONTINUOUS -> "continuous";
            case UNBATCHED -> "unbatched";
        };
    }

    private static String share(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", fraction * 100);
    }
}
