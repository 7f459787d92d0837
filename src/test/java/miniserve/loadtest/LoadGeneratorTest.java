package miniserve.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadGeneratorTest {

    private static Workload numbered(String prefix, int n) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < n; i++) s.add(prefix + " sentence " + i);
        return Workload.of(s);
    }

    @Test
    void closedLoopCountsAddUpAndPercentilesComeFromTheHistogram() throws Exception {
        try (StandInServer server = new StandInServer(s -> StandInServer.Reply.after(s.length() % 4));
             LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.closedLoop(server.uri(), 8, 120).withWarmup(10);
            LoadTestResult r = gen.run(spec, numbered("w", 30), LoadGenerator.Progress.NONE);

            assertThat(server.received.get()).isEqualTo(130); // warm-up included on the wire...
            assertThat(r.planned()).isEqualTo(120);           // ...but not in the figures
            assertThat(r.sent()).isEqualTo(120);
            assertThat(r.ok()).isEqualTo(120);
            assertThat(r.statusCounts()).containsExactly(Map.entry(200, 120L));
            assertThat(r.timeouts() + r.errors() + r.non200() + r.notSent()).isZero();
            assertThat(r.warmup().requests()).isEqualTo(10);
            assertThat(r.warmup().ok()).isEqualTo(10);
            assertThat(r.allOk()).isTrue();

            Histogram h = r.latencyHistogram();
            assertThat(h.getTotalCount()).isEqualTo(120);
            LoadTestResult.Latency lat = r.summary().latencyMs();
            assertThat(lat.p50()).isEqualTo(h.getValueAtPercentile(50) / 1e6);
            assertThat(lat.p95()).isEqualTo(h.getValueAtPercentile(95) / 1e6);
            assertThat(lat.p99()).isEqualTo(h.getValueAtPercentile(99) / 1e6);
            assertThat(lat.max()).isEqualTo(h.getMaxValue() / 1e6);
            // every latency is a real request's: none is shorter than the fastest or longer than the slowest record
            long min = r.records().stream().mapToLong(RequestRecord::latencyNanos).min().orElseThrow();
            long max = r.records().stream().mapToLong(RequestRecord::latencyNanos).max().orElseThrow();
            assertThat(h.getValueAtPercentile(50)).isBetween(h.lowestEquivalentValue(min), h.highestEquivalentValue(max));
            assertThat(r.throughput()).isCloseTo(120 / r.wallSeconds(), within(1e-9));
            assertThat(server.learnerIds.keySet()).allMatch(id -> id.startsWith("learner-"));
        }
    }

    @Test
    void everyStatusIsCountedAndOnlyTwoHundredsMakeThroughput() throws Exception {
        Workload work = Workload.of(List.of("ok one", "ok two", "ok three", "err500 four", "busy503 five", "bad400 six"));
        try (StandInServer server = new StandInServer(s -> s.startsWith("err500") ? StandInServer.Reply.status(500)
                : s.startsWith("busy503") ? StandInServer.Reply.status(503)
                : s.startsWith("bad400") ? StandInServer.Reply.status(400) : StandInServer.Reply.ok());
             LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.closedLoop(server.uri(), 5, 90).withSeed(7);
            LoadTestResult r = gen.run(spec, work, LoadGenerator.Progress.NONE);

            Map<Integer, Long> expected = new TreeMap<>();
            for (Workload.Item item : work.draw(7, 90)) {
                int status = item.sentence().startsWith("err500") ? 500 : item.sentence().startsWith("busy503") ? 503
                        : item.sentence().startsWith("bad400") ? 400 : 200;
                expected.merge(status, 1L, Long::sum);
            }
            assertThat(r.statusCounts()).isEqualTo(expected);
            assertThat(r.ok()).isEqualTo(expected.get(200));
            assertThat(r.non200()).isEqualTo(90 - expected.get(200));
            assertThat(r.responses()).isEqualTo(90);
            assertThat(r.allOk()).isFalse();
            assertThat(r.firstProblem()).startsWith("HTTP ").contains("stand-in");
            assertThat(r.throughput()).isCloseTo(expected.get(200) / r.wallSeconds(), within(1e-9));
            assertThat(r.responseRate()).isCloseTo(90 / r.wallSeconds(), within(1e-9));
        }
    }

    @Test
    void aStallingServerShowsAsTimeoutsInTheCountsAndTheTail() throws Exception {
        Workload work = Workload.of(List.of("fast a", "fast b", "fast c", "stall d"));
        try (StandInServer server = new StandInServer(s -> s.startsWith("stall") ? StandInServer.Reply.stall() : StandInServer.Reply.ok());
             LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.closedLoop(server.uri(), 4, 12).withRequestTimeout(Duration.ofMillis(300));
            LoadTestResult r = gen.run(spec, work, LoadGenerator.Progress.NONE);

            long stalls = work.draw(spec.seed(), 12).stream().filter(i -> i.sentence().startsWith("stall")).count();
            assertThat(stalls).isPositive();
            assertThat(r.timeouts()).isEqualTo(stalls);
            assertThat(r.ok()).isEqualTo(12 - stalls);
            assertThat(r.allOk()).isFalse();
            assertThat(r.firstProblem()).startsWith("timeout");
            // the abandoned requests are in the histogram, at no less than the timeout
            assertThat(r.latencyHistogram().getTotalCount()).isEqualTo(12);
            assertThat(r.latencyHistogram().getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300) * 999 / 1000);
        }
    }

    @Test
    void aServerThatIsNotThereIsReportedAsErrors() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.closedLoop(URI.create("http://127.0.0.1:" + port), 3, 9);
            LoadTestResult r = gen.run(spec, numbered("x", 3), LoadGenerator.Progress.NONE);
            assertThat(r.errors()).isEqualTo(9);
            assertThat(r.ok()).isZero();
            assertThat(r.throughput()).isZero();
            assertThat(r.latencyHistogram().getTotalCount()).isZero();
            assertThat(r.firstProblem()).startsWith("error");
            assertThat(r.summary().latencyMs().count()).isZero();
            assertThat(r.summary().latencyMs().p50()).isNull(); // JSON has no NaN
        }
    }

    @Test
    void fiftyClientsAreReallyInFlightAtOnce() throws Exception {
        // Each request waits until 50 have arrived: if the client's pool or threads capped concurrency
        // below 50, the peak would stay below 50.
        CountDownLatch fifty = new CountDownLatch(50);
        try (StandInServer server = new StandInServer(s -> {
            fifty.countDown();
            fifty.await(5, TimeUnit.SECONDS);
            return StandInServer.Reply.ok();
        }); LoadGenerator gen = new LoadGenerator()) {
            LoadTestResult r = gen.run(LoadTestSpec.closedLoop(server.uri(), 50, 100), numbered("c", 100),
                    LoadGenerator.Progress.NONE);
            assertThat(server.peakInFlight.get()).isEqualTo(50);
            assertThat(r.ok()).isEqualTo(100);
        }
    }

    @Test
    void closedLoopStopsSendingAtTheRunTimeLimit() throws Exception {
        try (StandInServer server = new StandInServer(s -> StandInServer.Reply.after(100));
             LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.closedLoop(server.uri(), 2, 1000).withMaxRunTime(Duration.ofMillis(300));
            LoadTestResult r = gen.run(spec, numbered("t", 10), LoadGenerator.Progress.NONE);
            assertThat(r.notSent()).isPositive();
            assertThat(r.sent() + r.notSent()).isEqualTo(1000);
            assertThat(r.allOk()).isFalse();
            assertThat(r.summary().notSent()).isEqualTo(r.notSent());
        }
    }

    @Test
    void openLoopSendsExactlyThePoissonSchedule() throws Exception {
        try (StandInServer server = new StandInServer(s -> StandInServer.Reply.ok());
             LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.openLoop(server.uri(), 200, Duration.ofMillis(500)).withSeed(3);
            LoadTestResult r = gen.run(spec, numbered("o", 20), LoadGenerator.Progress.NONE);
            int expected = ArrivalSchedule.poisson(3, 200, Duration.ofMillis(500)).length;
            assertThat(expected).isPositive();
            assertThat(r.planned()).isEqualTo(expected);
            assertThat(r.ok()).isEqualTo(expected);
            assertThat(server.received.get()).isEqualTo(expected);
            assertThat(r.summary().serviceTimeMs().count()).isEqualTo(expected);
        }
    }

    @Test
    void openLoopLatencyCountsTheWaitOfALateStart() throws Exception {
        // One slot and 100 ms per request, arrivals every ~25 ms: requests queue in the generator.
        // Their latency must include that queueing (measured from the intended start), while the
        // service time alone would hide it: the coordinated-omission mistake.
        Duration duration = Duration.ofMillis(500);
        long[] offsets = ArrivalSchedule.poisson(11, 40, duration);
        try (StandInServer server = new StandInServer(s -> StandInServer.Reply.after(100));
             LoadGenerator gen = new LoadGenerator()) {
            LoadTestSpec spec = LoadTestSpec.openLoop(server.uri(), 40, duration).withSeed(11).withMaxInFlight(1);
            LoadTestResult r = gen.run(spec, numbered("q", 10), LoadGenerator.Progress.NONE);
            assertThat(r.ok()).isEqualTo(offsets.length);
            // request k cannot end before (k+1) x 100 ms after the start: a lower bound of its latency
            long bound = 0;
            for (int k = 0; k < offsets.length; k++) bound = Math.max(bound, (k + 1) * 100_000_000L - offsets[k]);
            assertThat(bound).isGreaterThan(500_000_000L);
            assertThat(r.latencyHistogram().getMaxValue()).isGreaterThanOrEqualTo(r.latencyHistogram().lowestEquivalentValue(bound));
            assertThat(r.serviceHistogram().getValueAtPercentile(50)).isLessThan(r.latencyHistogram().getValueAtPercentile(50));
        }
    }
}
