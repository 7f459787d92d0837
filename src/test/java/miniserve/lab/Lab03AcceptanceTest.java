package miniserve.lab;

import miniserve.lab.Acceptance.Check;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static miniserve.lab.Acceptance.Verdict.FAIL;
import static miniserve.lab.Acceptance.Verdict.NOT_EVALUATED;
import static miniserve.lab.Acceptance.Verdict.PASS;
import static miniserve.lab.Acceptance.Verdict.REPORTED;
import static org.assertj.core.api.Assertions.assertThat;

/** Lab 03's verdicts on made-up sweeps whose figures are known. */
class Lab03AcceptanceTest {

    private static final double SLO_MS = 1000;

    /** A configuration whose runs compute {@code useful} of their token slots usefully. */
    private static ConfigSummary config(ServerConfig c, double throughput, double p95Ms, double useful) {
        ConfigSummary base = Synthetic.config(c, throughput, p95Ms, c.unbatched() ? 1 : c.maxBatch() * 0.9);
        List<RunResult> runs = new ArrayList<>();
        for (RunResult r : base.runs()) {
            BatchStats b = r.batch();
            double computed = 1000;
            BatchStats work = new BatchStats(b.batches(), b.requestsBatched(), b.sizeBuckets(), computed, computed * useful,
                    computed * (1 - useful) / 2, computed * (1 - useful) / 2, b.queueWaitSeconds(), b.queueWaitCount(),
                    b.modelSeconds(), b.modelBatches(), Map.of(0.5, 10.0, 1.0, 30.0), b.firstTokenSeconds(), b.firstTokenCount());
            runs.add(new RunResult(r.config(), r.repetition(), r.planned(), r.ok(), r.non200(), r.timeouts(), r.errors(), r.statusCounts(),
                    r.wallSeconds(), r.throughput(), r.latency(), work, r.peakQueueDepth(), r.offeredRate(), r.okLatency()));
        }
        return new ConfigSummary(c, runs, 100, 100);
    }

    /** Static (fixed) at 50 req/s, static to the end at 60, continuous at 80: the ratio is 1.6. */
    private static List<ConfigSummary> sweep(double continuousThroughput, double continuousUseful) {
        return List.of(
                config(ServerConfig.baseline(), 25, 2000, 0.6),
                config(ServerConfig.batched(8, 20), 50, 1100, 0.45),
                config(ServerConfig.allEnded(8, 20), 60, 900, 0.7),
                config(ServerConfig.continuous(8), continuousThroughput, 700, continuousUseful));
    }

    private static SweepResult.RatePoint point(ServerConfig c, double fraction, double p95Ms) {
        return new SweepResult.RatePoint(c, fraction, Synthetic.equalLoad(c, fraction * 50, p95Ms));
    }

    /** Offered 0.5, 0.8 and 1.5 x static's 50 req/s: 25 and 40 are below every static saturation, 75 above both. */
    private static List<SweepResult.RatePoint> rates(double continuousP95At40) {
        List<SweepResult.RatePoint> out = new ArrayList<>();
        double[][] p95 = {{300, 250, 120}, {500, 420, continuousP95At40}, {9000, 7000, 400}};
        double[] fractions = {0.5, 0.8, 1.5};
        for (int i = 0; i < 3; i++) {
            out.add(point(ServerConfig.batched(8, 20), fractions[i], p95[i][0]));
            out.add(point(ServerConfig.allEnded(8, 20), fractions[i], p95[i][1]));
            out.add(point(ServerConfig.continuous(8), fractions[i], p95[i][2]));
        }
        return out;
    }

    @Test
    void continuousBatchingThatWinsPassesEveryCheck() {
        List<Check> checks = Lab03Acceptance.evaluate(sweep(80, 1.0), rates(150), 8, SLO_MS, 50);
        assertThat(checks).extracting(Check::label).containsExactly("1", "2", "3", "4", "R");
        assertThat(checks).extracting(Check::verdict).containsExactly(PASS, PASS, PASS, PASS, REPORTED);
        assertThat(checks.get(0).finding()).contains("1.60x (required 1.30x)");
        // at 75 req/s static (fixed, 50) and static to the end (60) are past saturation: compared only at 25 and 40
        assertThat(checks.get(1).finding()).startsWith("4 of 4 comparisons below saturation");
        assertThat(checks.get(1).table()).anyMatch(r -> r.startsWith("| 75.00 |") && r.contains("past the saturation of static (fixed)"));
        assertThat(checks.get(2).finding()).contains("100.0%");
    }

    @Test
    void tooLittleGainFailsTheFirstCheck() {
        Check first = Lab03Acceptance.evaluate(sweep(60, 1.0), rates(150), 8, SLO_MS, 50).get(0);
        assertThat(first.verdict()).isEqualTo(FAIL);
        assertThat(first.finding()).contains("1.20x (required 1.30x)");
    }

    @Test
    void aWorseP95BelowSaturationFailsTheSecondCheckButPastItCountsForNothing() {
        Check worse = Lab03Acceptance.evaluate(sweep(80, 1.0), rates(450), 8, SLO_MS, 50).get(1);
        assertThat(worse.verdict()).isEqualTo(FAIL); // 450 ms > static to the end's 420 at 40 req/s, though < static (fixed)'s 500
        assertThat(worse.finding()).startsWith("3 of 4 comparisons");
        // a continuous p95 far above both statics, but only past their saturation: nothing judged there
        List<SweepResult.RatePoint> pastOnly = new ArrayList<>(rates(150));
        pastOnly.replaceAll(p -> p.fraction() == 1.5 && p.config().kind() == ServerConfig.Kind.CONTINUOUS ? point(p.config(), 1.5, 20000) : p);
        assertThat(Lab03Acceptance.evaluate(sweep(80, 1.0), pastOnly, 8, SLO_MS, 50).get(1).verdict()).isEqualTo(PASS);
        assertThat(Lab03Acceptance.evaluate(sweep(80, 1.0), List.of(), 8, SLO_MS, 50).get(1).verdict()).isEqualTo(NOT_EVALUATED);
    }

    @Test
    void wastedSlotsInTheRunningBatchFailTheThirdCheck() {
        Check useful = Lab03Acceptance.evaluate(sweep(80, 0.8), rates(150), 8, SLO_MS, 50).get(2);
        assertThat(useful.verdict()).isEqualTo(FAIL);
        assertThat(useful.finding()).contains("80.0%");
        // static batching's low share is shown, not judged
        assertThat(useful.table()).anyMatch(r -> r.startsWith("| max_batch=8, max_wait_ms=20 | 45.0% |") && r.endsWith("|  |"));
    }

    @Test
    void aRefusalBelowSaturationFailsTheFourthCheckButPastItIsOnlyReported() {
        List<SweepResult.RatePoint> rates = new ArrayList<>(rates(150));
        // past saturation (75 req/s) static batching refuses some requests: reported, not judged
        SweepResult.RatePoint past = rates.get(6);
        rates.set(6, new SweepResult.RatePoint(past.config(), past.fraction(), refused(past.run(), 30)));
        Check all = Lab03Acceptance.evaluate(sweep(80, 1.0), rates, 8, SLO_MS, 50).get(3);
        assertThat(all.verdict()).isEqualTo(PASS);
        assertThat(all.table()).anyMatch(r -> r.contains("30x 503") && r.endsWith("no (past saturation) |"));
        // below saturation (25 req/s) one refusal fails the check
        SweepResult.RatePoint low = rates.get(0);
        rates.set(0, new SweepResult.RatePoint(low.config(), low.fraction(), refused(low.run(), 1)));
        assertThat(Lab03Acceptance.evaluate(sweep(80, 1.0), rates, 8, SLO_MS, 50).get(3).verdict()).isEqualTo(FAIL);
    }

    private static RunResult refused(RunResult r, int n) {
        return new RunResult(r.config(), r.repetition(), r.planned(), r.ok() - n, n, 0, 0, Map.of(200, r.ok() - n, 503, (long) n),
                r.wallSeconds(), r.throughput(), r.latency(), r.batch(), r.peakQueueDepth(), r.offeredRate(), r.okLatency());
    }

    @Test
    void goodputCountsTheAnswersWithinTheObjective() {
        // Synthetic open-loop runs spread their 200 latencies evenly from p95/2 to about p95/0.95
        Check goodput = Lab03Acceptance.evaluate(sweep(80, 1.0), rates(150), 8, SLO_MS, 50).get(4);
        assertThat(goodput.verdict()).isEqualTo(REPORTED);
        RunResult staticPast = rates(150).get(6).run(); // 9000 ms p95: nothing within a second
        assertThat(staticPast.goodput(SLO_MS)).isZero();
        RunResult contLow = rates(150).get(2).run(); // 120 ms p95: everything within a second
        assertThat(contLow.goodput(SLO_MS)).isCloseTo(contLow.ok() / contLow.wallSeconds(), org.assertj.core.api.Assertions.within(1e-9));
        RunResult straddling = Synthetic.equalLoad(ServerConfig.continuous(8), 10, 1500); // 750..1539 ms
        double share = straddling.goodput(SLO_MS) * straddling.wallSeconds() / straddling.ok();
        assertThat(share).isBetween(0.28, 0.36); // (1000 - 750) / (1539 - 750)
        assertThat(goodput.finding()).startsWith("highest goodput: continuous ");
    }
}
