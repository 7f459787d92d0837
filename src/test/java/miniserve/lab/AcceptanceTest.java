package miniserve.lab;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static miniserve.lab.Acceptance.Verdict.FAIL;
import static miniserve.lab.Acceptance.Verdict.INCONCLUSIVE;
import static miniserve.lab.Acceptance.Verdict.NOT_EVALUATED;
import static miniserve.lab.Acceptance.Verdict.PASS;
import static miniserve.lab.Acceptance.Verdict.REPORTED;
import static org.assertj.core.api.Assertions.assertThat;

class AcceptanceTest {

    private static List<Acceptance.Verdict> verdicts(List<ConfigSummary> configs) {
        return Acceptance.evaluate(configs, 50).stream().map(Acceptance.Check::verdict).toList();
    }

    private static List<ConfigSummary> replace(List<ConfigSummary> sweep, ConfigSummary replacement) {
        List<ConfigSummary> out = new ArrayList<>();
        for (ConfigSummary c : sweep) out.add(c.config().equals(replacement.config()) ? replacement : c);
        return out;
    }

    @Test
    void aSweepThatBehavesAsTheLabExpectsPassesEveryCheck() {
        List<Acceptance.Check> checks = Acceptance.evaluate(Synthetic.goodSweep(), 50);
        assertThat(checks).extracting(Acceptance.Check::label).containsExactly("1", "2", "R", "3", "4", "S");
        // no equal-load runs in this sweep: check 2 is not evaluated; the closed-loop p95 is only reported
        assertThat(checks).extracting(Acceptance.Check::verdict).containsExactly(PASS, NOT_EVALUATED, REPORTED, PASS, PASS, PASS);
        assertThat(checks.get(0).finding()).contains("lowest ratio 2.70x").contains("at max_batch=8 3.30x").contains("reached");
        assertThat(checks.get(3).finding()).contains("saturates at max_batch=8").contains("+7.6%");
        assertThat(checks.get(4).finding()).isEqualTo("10500 of 10500 measured requests answered 200");
        // every pair of runs differs by the same -2% (Synthetic scales both servers alike): a zero-width interval
        assertThat(checks.get(5).finding()).startsWith("3 pairs: throughput -2.0% [-2.0%, -2.0%], p50 +2.0% [+2.0%, +2.0%]");
    }

    @Test
    void tooLittleGainAtMaxBatchFourFailsTheFirstCheck() {
        List<ConfigSummary> sweep = replace(Synthetic.goodSweep(), Synthetic.config(ServerConfig.batched(4, 10), 14.9, 6500, 3.9));
        Acceptance.Check first = Acceptance.evaluate(sweep, 50).get(0);
        assertThat(first.verdict()).isEqualTo(FAIL);
        assertThat(first.finding()).contains("lowest ratio 1.49x");
        assertThat(first.table()).anyMatch(row -> row.contains("max_batch=4") && row.endsWith("FAIL |"));
    }

    @Test
    void theClosedLoopP95IsReportedNotJudgedWithLittlesLawBesideIt() {
        List<ConfigSummary> sweep = replace(Synthetic.goodSweep(), Synthetic.config(ServerConfig.batched(8, 20), 33, 4000, 7.6));
        Acceptance.Check reported = Acceptance.evaluate(sweep, 50).get(2);
        assertThat(reported.label()).isEqualTo("R");
        assertThat(reported.verdict()).isEqualTo(REPORTED); // a batched configuration faster in the tail fails nothing
        assertThat(reported.finding()).startsWith("3 of 4 configurations have a higher p95 than the baseline's");
        assertThat(reported.note()).contains("Little's law").contains("check 2");
        // clients / throughput, in ms, is in the table: 50 / 33 req/s = 1515.15 ms
        assertThat(reported.table()).anyMatch(row -> row.startsWith("| max_batch=8, max_wait_ms=20 |") && row.contains("| 1515.2 |"));
    }

    @Test
    void theEqualLoadCheckComparesTheOpenLoopRuns() {
        List<ConfigSummary> sweep = new ArrayList<>();
        double[] p95 = {100, 90, 150, 260, 400, 700, 1500};
        for (int i = 0; i < 7; i++) sweep.add(Synthetic.withEqualLoad(Synthetic.goodSweep().get(i), 5, p95[i]));
        Acceptance.Check eq = Acceptance.evaluate(sweep, 50).get(1);
        assertThat(eq.label()).isEqualTo("2");
        assertThat(eq.verdict()).isEqualTo(PASS);
        assertThat(eq.finding()).startsWith("4 of 4 configurations").contains("at 5.00 req/s");

        sweep.set(3, Synthetic.withEqualLoad(Synthetic.goodSweep().get(3), 5, 95)); // max_batch=4 faster than the baseline
        assertThat(Acceptance.evaluate(sweep, 50).get(1).verdict()).isEqualTo(FAIL);
    }

    @Test
    void theEqualLoadCheckTakesTheMedianOverTheRepetitions() {
        List<ConfigSummary> sweep = new ArrayList<>();
        double[] p95 = {100, 90, 150, 260, 400, 700, 1500};
        for (int i = 0; i < 7; i++) {
            ConfigSummary c = Synthetic.goodSweep().get(i);
            // the baseline's first run is slow (300 ms) and its runs differ: only the median (102) is right;
            // max_batch=8's first run is fast: taking first runs or minima would fail it
            double[] reps = i == 0 ? new double[]{300, 102, 90} : i == 4 ? new double[]{50, 500, 500} : new double[]{p95[i], p95[i], p95[i]};
            List<RunResult> runs = new ArrayList<>();
            for (double p : reps) runs.add(Synthetic.equalLoad(c.config(), 5, p));
            sweep.add(new ConfigSummary(c.config(), c.runs(), c.warmupRequests(), c.warmupOk(), runs));
        }
        Acceptance.Check eq = Acceptance.evaluate(sweep, 50).get(1);
        assertThat(eq.verdict()).isEqualTo(PASS);
        assertThat(eq.finding()).contains("median of 3 runs each");
        double base = Double.parseDouble(eq.finding().replaceAll(".*baseline's ([0-9.]+) ms.*", "$1"));
        assertThat(base).isCloseTo(102.0, org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void aRunTheMachineSlowedDownIsListedWithoutLeavingTheMedians() {
        List<ConfigSummary> sweep = new ArrayList<>(Synthetic.goodSweep());
        ConfigSummary b8 = sweep.get(4);
        List<RunResult> runs = new ArrayList<>(b8.runs());
        RunResult slow = runs.get(2);
        BatchStats s = slow.batch();
        BatchStats slowed = new BatchStats(s.batches(), s.requestsBatched(), s.sizeBuckets(), s.tokensComputed(), s.tokensUseful(),
                s.tokensPadding(), s.tokensAfterEnd(), s.queueWaitSeconds(), s.queueWaitCount(), s.modelSeconds() * 2.7, s.modelBatches(),
                s.fillBuckets(), s.firstTokenSeconds(), s.firstTokenCount());
        runs.set(2, new RunResult(slow.config(), slow.repetition(), slow.planned(), slow.ok(), slow.non200(), slow.timeouts(),
                slow.errors(), slow.statusCounts(), slow.wallSeconds() * 2.7, slow.throughput() / 2.7, slow.latency(), slowed,
                slow.peakQueueDepth(), slow.offeredRate(), slow.okLatency()));
        sweep.set(4, new ConfigSummary(b8.config(), runs, b8.warmupRequests(), b8.warmupOk()));

        String section = Acceptance.disturbedRuns(sweep);
        assertThat(section).contains("## Runs the machine slowed down");
        List<String> rows = section.lines().filter(l -> l.startsWith("| max_batch") || l.startsWith("| unbatched")).toList();
        assertThat(rows).singleElement().satisfies(row -> assertThat(row).startsWith("| max_batch=8, max_wait_ms=20 | 3 |").endsWith("| 2.70 |"));
        // listed, not dropped: the median throughput is still that of the three runs
        assertThat(sweep.get(4).throughput()).isEqualTo(b8.runs().get(0).throughput());

        assertThat(Acceptance.disturbedRuns(Synthetic.goodSweep())).contains("None: every run is within 1.50x");
        assertThat(Acceptance.markdown(Acceptance.evaluate(sweep, 50), sweep, "context")).contains("## Runs the machine slowed down");
    }

    @Test
    void theStretchCheckPairsTheTwoServersRunByRun() {
        List<ConfigSummary> sweep = Synthetic.goodSweep();
        Acceptance.Check s = Acceptance.evaluate(sweep, 50).get(5);
        assertThat(s.label()).isEqualTo("S");
        ConfigSummary base = sweep.get(0), one = sweep.get(1);
        assertThat(one.config().maxBatch()).isEqualTo(1);
        for (int i = 0; i < 3; i++) { // pair i holds the baseline's run i and max_batch=1's run i
            String row = "| " + (i + 1) + " | " + Acceptance.fmt(base.runs().get(i).throughput()) + " | "
                    + Acceptance.fmt(one.runs().get(i).throughput()) + " | ";
            assertThat(s.table()).anyMatch(r -> r.startsWith(row));
        }
        assertThat(s.table().getLast()).startsWith("| mean (95% interval) |");
    }

    /** Runs of max_batch=1 against the baseline, pair by pair, with the given throughput differences. */
    private static Acceptance.Check stretchWith(double... differences) {
        ConfigSummary base = Synthetic.goodSweep().get(0);
        List<RunResult> baseRuns = new ArrayList<>(), oneRuns = new ArrayList<>();
        for (int i = 0; i < differences.length; i++) {
            double t = 10 * (1 + 0.1 * (i % 3)); // the machine drifts; the pairing cancels it
            baseRuns.add(Synthetic.run(ServerConfig.baseline(), i + 1, t, 2000, 6000, 100, 0, 1));
            double o = t * (1 + differences[i]);
            // latency scales inversely with throughput, as in a closed loop
            oneRuns.add(Synthetic.run(ServerConfig.batched(1, 0), i + 1, o, 2000 * t / o, 6000 * t / o, 100, 0, 1));
        }
        List<ConfigSummary> sweep = List.of(new ConfigSummary(base.config(), baseRuns), new ConfigSummary(ServerConfig.batched(1, 0), oneRuns),
                Synthetic.goodSweep().get(3));
        return Acceptance.evaluate(sweep, 50).get(5);
    }

    @Test
    void theStretchCheckPassesInsideTheToleranceFailsOutsideAndIsInconclusiveAcrossIt() {
        assertThat(stretchWith(0.02, -0.03, 0.01, 0.00, -0.02, 0.03).verdict()).isEqualTo(PASS);
        assertThat(stretchWith(-0.20, -0.25, -0.22, -0.18, -0.21, -0.24).verdict()).isEqualTo(FAIL);
        // the same mean as a pass, but so noisy that the interval reaches past -10%: the runs cannot tell
        Acceptance.Check noisy = stretchWith(0.15, -0.25, 0.10, -0.20, 0.12, -0.10);
        assertThat(noisy.verdict()).isEqualTo(INCONCLUSIVE);
        assertThat(noisy.finding()).startsWith("6 pairs: throughput -3.0% [");
        assertThat(stretchWith(0.05).verdict()).isEqualTo(NOT_EVALUATED); // one pair gives no interval
    }

    @Test
    void thePairedIntervalIsStudentsT() {
        PairedDifference d = PairedDifference.of(new double[]{0.01, 0.03, 0.02, 0.04, 0.00, 0.02});
        assertThat(d.mean()).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
        // sd = sqrt(0.001 / 5) = 0.0141421; half-width = 2.571 x 0.0141421 / sqrt(6) = 0.0148435
        assertThat(d.high() - d.mean()).isCloseTo(0.0148435, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(d.within(0.10)).isEqualTo(PASS);
        // the interval is about +0.5% to +3.5%: it straddles +1%, and lies wholly above +0.4%
        assertThat(d.within(0.01)).isEqualTo(INCONCLUSIVE);
        assertThat(d.within(0.004)).isEqualTo(FAIL);
        assertThat(new PairedDifference(6, 0.2, 0.15, 0.25).within(0.10)).isEqualTo(FAIL);
        assertThat(new PairedDifference(6, -0.2, -0.25, -0.15).within(0.10)).isEqualTo(FAIL);
        assertThat(new PairedDifference(6, 0.05, -0.02, 0.12).within(0.10)).isEqualTo(INCONCLUSIVE);
        assertThat(PairedDifference.t975(5)).isEqualTo(2.571);
        assertThat(PairedDifference.t975(100)).isEqualTo(1.96);
        assertThat(Acceptance.stretchVerdict(PASS, INCONCLUSIVE)).isEqualTo(INCONCLUSIVE);
        assertThat(Acceptance.stretchVerdict(INCONCLUSIVE, FAIL)).isEqualTo(FAIL);
        assertThat(Acceptance.stretchVerdict(PASS, PASS)).isEqualTo(PASS);
    }

    @Test
    void throughputStillGrowingAtTheLargestBatchFailsSaturation() {
        List<ConfigSummary> sweep = List.of(
                Synthetic.config(ServerConfig.baseline(), 10, 5000, 1),
                Synthetic.config(ServerConfig.batched(1, 0), 10, 5000, 1),
                Synthetic.config(ServerConfig.batched(2, 10), 20, 5500, 2),
                Synthetic.config(ServerConfig.batched(4, 10), 40, 6000, 4),
                Synthetic.config(ServerConfig.batched(8, 20), 80, 7000, 8));
        Acceptance.Check sat = Acceptance.evaluate(sweep, 50).get(3);
        assertThat(sat.verdict()).isEqualTo(FAIL);
        assertThat(sat.finding()).contains("still grows");
    }

    @Test
    void anyFailedRequestFailsTheFourthCheck() {
        ServerConfig b16 = ServerConfig.batched(16, 20);
        ConfigSummary withFailures = new ConfigSummary(b16, List.of(
                Synthetic.run(b16, 1, 35, 4000, 9000, 500, 0, 14),
                Synthetic.run(b16, 2, 35, 4000, 9000, 500, 3, 14),
                Synthetic.run(b16, 3, 35, 4000, 9000, 500, 0, 14)), 100, 100);
        Acceptance.Check all = Acceptance.evaluate(replace(Synthetic.goodSweep(), withFailures), 50).get(4);
        assertThat(all.verdict()).isEqualTo(FAIL);
        assertThat(all.finding()).startsWith("10497 of 10500");
    }

    @Test
    void aFailedRequestInAnEqualLoadRunFailsTheFourthCheckToo() {
        List<ConfigSummary> sweep = new ArrayList<>();
        for (ConfigSummary c : Synthetic.goodSweep()) sweep.add(Synthetic.withEqualLoad(c, 5, 100));
        Acceptance.Check clean = Acceptance.evaluate(sweep, 50).get(4);
        assertThat(clean.verdict()).isEqualTo(PASS);
        assertThat(clean.finding()).isEqualTo("10500 of 10500 measured requests answered 200 in the closed loop, 1400 of 1400 in the equal-load runs");

        ConfigSummary b8 = sweep.get(4);
        RunResult e = b8.equalLoadRuns().get(0);
        RunResult oneFailed = new RunResult(e.config(), e.repetition(), e.planned(), e.ok() - 1, 1, 0, 0, e.statusCounts(),
                e.wallSeconds(), e.throughput(), e.latency(), e.batch(), e.peakQueueDepth(), e.offeredRate(), e.okLatency());
        sweep.set(4, new ConfigSummary(b8.config(), b8.runs(), b8.warmupRequests(), b8.warmupOk(), List.of(oneFailed)));
        Acceptance.Check all = Acceptance.evaluate(sweep, 50).get(4);
        assertThat(all.verdict()).isEqualTo(FAIL);
        assertThat(all.finding()).contains("1399 of 1400 in the equal-load runs");
    }

    @Test
    void maxBatchOneFarFromTheBaselineFailsTheStretchCheck() {
        List<ConfigSummary> sweep = replace(Synthetic.goodSweep(), Synthetic.config(ServerConfig.batched(1, 0), 7, 7000, 1));
        Acceptance.Check stretch = Acceptance.evaluate(sweep, 50).get(5);
        assertThat(stretch.verdict()).isEqualTo(FAIL);
        assertThat(stretch.finding()).startsWith("3 pairs: throughput -30.0% [-30.0%, -30.0%]").endsWith("(tolerance 10%)");
    }

    @Test
    void withoutABaselineTheComparisonsAreNotEvaluatedRatherThanPassed() {
        List<ConfigSummary> noBaseline = Synthetic.goodSweep().stream().filter(c -> !c.config().unbatched()).toList();
        assertThat(verdicts(noBaseline)).containsExactly(NOT_EVALUATED, NOT_EVALUATED, NOT_EVALUATED, PASS, PASS, NOT_EVALUATED);
        assertThat(Acceptance.evaluate(noBaseline, 50)).extracting(Acceptance.Check::label).containsExactly("1", "2", "R", "3", "4", "S");
    }

    @Test
    void theMarkdownStatesEveryVerdictWithItsNumbers() {
        List<ConfigSummary> sweep = Synthetic.goodSweep();
        String md = Acceptance.markdown(Acceptance.evaluate(sweep, 50), sweep, "context line");
        assertThat(md).startsWith("# Lab 02 acceptance").contains("context line")
                .contains("| 1 | Throughput at max_batch >= 4 is at least 1.50x the baseline | **PASS** |")
                .contains("| S | Stretch: max_batch=1 behaves like the unbatched baseline | **PASS** |")
                .contains("| max_batch=8, max_wait_ms=20 | 33.00 | 3.30 | PASS |")
                .contains("## Stretch: how full the batches were");
    }

    @Test
    void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(ConfigSummary.median(new double[]{3, 1, 2})).isEqualTo(2);
        assertThat(ConfigSummary.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(ConfigSummary.median(new double[]{})).isNaN();
    }
}
