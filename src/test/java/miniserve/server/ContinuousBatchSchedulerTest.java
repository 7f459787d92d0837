package miniserve.server;

import miniserve.model.Step;
import miniserve.server.ContinuousBatchScheduler.Options;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.SchedulerRejection.Reason;
import miniserve.serving.ServeFlags.ModelThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The continuous batching loop with a stand-in running batch whose rows "generate" their payload's words one per pass. */
class ContinuousBatchSchedulerTest {

    /** Guards against hangs; never a speed goal. */
    private static final long HANG_GUARD_S = 10;

    /**
     * Row r holds a payload of words; its prefill produces the first word and each pass the next; its
     * answer is the words in upper case. A pass waits for a permit (so a test can hold the model) and
     * takes {@code passMillis}. "boom" fails the row's answer, "bad" its start, "unmeasurable" its prompt's
     * measure. Every pass is recorded.
     */
    static final class WordEngine implements RowEngine<String, String> {
        final String[] rows;
        final int[] produced;
        final Semaphore permits;
        final long passMillis;
        /** Per pass, per row: "P:payload" (its prefill), "D:payload" (a decode), or null. */
        final List<String[]> passes = Collections.synchronizedList(new ArrayList<>());
        final List<String> dropped = Collections.synchronizedList(new ArrayList<>());

        WordEngine(int rows, int permits, long passMillis) {
            this.rows = new String[rows];
            this.produced = new int[rows];
            this.permits = new Semaphore(permits);
            this.passMillis = passMillis;
        }

        static String[] words(String payload) {
            return payload.trim().split("\\s+");
        }

        @Override
        public int rows() {
            return rows.length;
        }

        @Override
        public int promptTokens(String payload) {
            if (payload.startsWith("unmeasurable")) throw new IllegalStateException("stand-in cannot measure " + payload);
            return words(payload).length;
        }

        @Override
        public void start(int row, String payload) {
            if (payload.startsWith("bad")) throw new IllegalArgumentException("stand-in refuses " + payload);
            assertThat(rows[row]).as("row %d is free", row).isNull();
            rows[row] = payload;
            produced[row] = 0;
        }

        @Override
        public Step step() throws Exception {
            if (!permits.tryAcquire(HANG_GUARD_S, TimeUnit.SECONDS)) throw new IllegalStateException("the test never let this pass run");
            long start = System.nanoTime();
            Step step = Step.of(start, start, rows.length);
            String[] pass = new String[rows.length];
            boolean any = false;
            for (int row = 0; row < rows.length; row++) {
                if (rows[row] == null || complete(row)) continue;
                any = true;
                step.kinds()[row] = produced[row] == 0 ? Step.PREFILL : Step.DECODE;
                step.tokens()[row] = produced[row] == 0 ? promptTokens(rows[row]) : 1;
                pass[row] = (produced[row] == 0 ? "P:" : "D:") + rows[row];
                produced[row]++;
            }
            if (!any) return null;
            passes.add(pass);
            Thread.sleep(passMillis);
            return new Step(start, System.nanoTime(), step.kinds(), step.tokens(), step.padding());
        }

        @Override
        public boolean complete(int row) {
            return produced[row] >= words(rows[row]).length;
        }

        @Override
        public String finish(int row) {
            String p = rows[row];
            rows[row] = null;
            if (p.contains("boom")) throw new IllegalStateException("stand-in failure on " + p);
            return p.toUpperCase(Locale.ROOT);
        }

        @Override
        public void free(int row) {
            dropped.add(rows[row]);
            rows[row] = null;
        }

        /** The pass in which a payload was prefilled, or -1. */
        int prefillPass(String payload) {
            synchronized (passes) {
                for (int i = 0; i < passes.size(); i++) if (Arrays.asList(passes.get(i)).contains("P:" + payload)) return i;
            }
            return -1;
        }

        /** The last pass that computed a payload, or -1. */
        int lastPass(String payload) {
            synchronized (passes) {
                for (int i = passes.size() - 1; i >= 0; i--)
                    for (String s : passes.get(i)) if (s != null && s.substring(2).equals(payload)) return i;
            }
            return -1;
        }

        void awaitPasses(int n) throws InterruptedException {
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_S);
            while (passes.size() < n) {
                assertThat(System.nanoTime()).as("waiting for pass " + n).isLessThan(guard);
                Thread.sleep(1);
            }
        }
    }

    private final List<ContinuousBatchScheduler<?, ?>> started = new ArrayList<>();

    private ContinuousBatchScheduler<String, String> scheduler(int prefillTokens, int maxQueue, long requestTimeoutMs,
                                                               ServerMetrics metrics, WordEngine... engines) {
        var s = new ContinuousBatchScheduler<String, String>(
                new Options(prefillTokens, maxQueue, requestTimeoutMs, ModelThread.PLATFORM), List.of(engines), metrics);
        started.add(s);
        return s;
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ContinuousBatchScheduler<?, ?> s : started) {
            s.shutdown();
            s.awaitTermination(Duration.ofSeconds(HANG_GUARD_S));
        }
    }

    private static String get(CompletableFuture<String> f) throws Exception {
        return f.get(HANG_GUARD_S, TimeUnit.SECONDS);
    }

    private static Reason rejection(CompletableFuture<String> f) {
        Throwable t = f.handle((v, e) -> e).orTimeout(HANG_GUARD_S, TimeUnit.SECONDS).join();
        assertThat(t).isInstanceOf(SchedulerRejection.class);
        return ((SchedulerRejection) t).reason();
    }

    private static void awaitRunning(ServerMetrics m, int n) throws InterruptedException {
        StaticBatchSchedulerTest.awaitMetric(m, "miniserve_num_requests_running " + n + ".0");
    }

    @Test
    void rowsJoinAndLeaveMidAnswerAndEachGetsItsOwnAnswer() throws Exception {
        WordEngine engine = new WordEngine(2, Integer.MAX_VALUE, 2);
        ServerMetrics m = new ServerMetrics();
        var s = scheduler(64, 64, 0, m, engine);
        List<String> payloads = List.of("a1 a2 a3 a4 a5 a6 a7 a8", "b1 b2", "c1 c2 c3", "d1", "e1 e2 e3 e4");
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (String p : payloads) fs.add(s.submit(p));
        for (int i = 0; i < payloads.size(); i++) assertThat(get(fs.get(i))).isEqualTo(payloads.get(i).toUpperCase(Locale.ROOT));
        // b left after two passes and c took its row while a was mid-answer; d and e followed as rows freed
        String a = payloads.get(0);
        assertThat(engine.prefillPass("c1 c2 c3")).isPositive().isLessThan(engine.lastPass(a));
        assertThat(engine.prefillPass("d1")).isLessThan(engine.lastPass(a));
        String[] joined = engine.passes.get(engine.prefillPass("c1 c2 c3"));
        assertThat(joined).contains("D:" + a, "P:c1 c2 c3");
        // one pass per word of the longest-waiting request's answer; no pass computed more than two rows
        assertThat(engine.passes).allSatisfy(p -> assertThat(Arrays.stream(p).filter(x -> x != null).count()).isBetween(1L, 2L));
        assertThat(engine.dropped).isEmpty();
        String text = m.text();
        assertThat(text).contains("miniserve_e2e_request_latency_seconds_count 5", "miniserve_time_to_first_token_seconds_count 5",
                "miniserve_request_queue_time_seconds_count 5", "miniserve_num_requests_running 0.0",
                "miniserve_inter_token_latency_seconds_count " + (8 + 2 + 3 + 1 + 4 - 5));
        assertThat(text).contains("miniserve_iteration_tokens_count " + engine.passes.size());
    }

    @Test
    void promptsJoinWithinThePrefillBudgetFirstComeFirstServedWhileRunningRowsKeepDecoding() throws Exception {
        WordEngine engine = new WordEngine(4, 0, 0);
        String x = "x1 x2 x3 x4 x5 x6 x7 x8 x9 x10"; // over the budget: it runs as the only prompt of its pass
        ServerMetrics m = new ServerMetrics();
        var s = scheduler(5, 64, 0, m, engine);
        CompletableFuture<String> fx = s.submit(x);
        awaitRunning(m, 1); // x is admitted; its pass waits for a permit
        CompletableFuture<String> fp = s.submit("p1 p2 p3"), fq = s.submit("q1 q2 q3");
        engine.permits.release();
        engine.awaitPasses(1);
        engine.permits.release();
        engine.awaitPasses(2);
        engine.permits.release();
        engine.awaitPasses(3);
        assertThat(engine.passes.get(0)).containsExactly("P:" + x, null, null, null);
        // p fits the 5-token budget, q (3 more) does not: it waits one pass, first in line; x decodes in both
        assertThat(engine.passes.get(1)).containsExactly("D:" + x, "P:p1 p2 p3", null, null);
        assertThat(engine.passes.get(2)).containsExactly("D:" + x, "D:p1 p2 p3", "P:q1 q2 q3", null);
        engine.permits.release(100);
        assertThat(List.of(get(fx), get(fp), get(fq))).containsExactly(x.toUpperCase(Locale.ROOT), "P1 P2 P3", "Q1 Q2 Q3");
    }

    @Test
    void aCancelledRequestLeavesItsRowAtTheNextPassAndTheRowServesTheNext() throws Exception {
        WordEngine engine = new WordEngine(1, Integer.MAX_VALUE, 3);
        var s = scheduler(64, 64, 0, new ServerMetrics(), engine);
        String longOne = "y ".repeat(500).strip();
        CompletableFuture<String> gone = s.submit(longOne);
        CompletableFuture<String> next = s.submit("z1 z2");
        engine.awaitPasses(5);
        assertThat(gone.cancel(false)).isTrue(); // what the HTTP layer does when the client closes its connection
        int cancelledAt = engine.passes.size();
        assertThat(get(next)).isEqualTo("Z1 Z2");
        assertThat(engine.dropped).containsExactly(longOne);
        assertThat(engine.lastPass(longOne)).as("computed at most one pass after the cancel").isLessThanOrEqualTo(cancelledAt);
        assertThat(engine.prefillPass("z1 z2")).isGreaterThan(engine.lastPass(longOne));
    }

    @Test
    void aDeadlineFiresWhileTheRowRunsAndFreesIt() throws Exception {
        WordEngine engine = new WordEngine(2, Integer.MAX_VALUE, 5);
        ServerMetrics m = new ServerMetrics();
        var s = scheduler(64, 64, 150, m, engine);
        String longOne = "w ".repeat(1000).strip(); // five seconds of passes
        long t0 = System.nanoTime();
        CompletableFuture<String> late = s.submit(longOne);
        assertThat(rejection(late)).isEqualTo(Reason.TIMED_OUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("answered at its deadline").isLessThan(2000);
        assertThat(get(s.submit("v1"))).isEqualTo("V1");
        assertThat(engine.dropped).containsExactly(longOne);
        assertThat(engine.lastPass(longOne)).isLessThan(engine.prefillPass("v1") + 1);
        StaticBatchSchedulerTest.awaitMetric(m, "miniserve_requests_timed_out_total 1.0");
    }

    @Test
    void aFailingRowFailsOnlyItsRequest() throws Exception {
        WordEngine engine = new WordEngine(3, Integer.MAX_VALUE, 1);
        var s = scheduler(64, 64, 0, new ServerMetrics(), engine);
        CompletableFuture<String> ok1 = s.submit("o1 o2 o3"), boom = s.submit("boom b2"), bad = s.submit("bad one"),
                unmeasurable = s.submit("unmeasurable one"), ok2 = s.submit("k1");
        assertThatThrownBy(() -> get(unmeasurable)).cause().isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> get(boom)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("boom b2");
        assertThatThrownBy(() -> get(bad)).cause().isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(get(ok1), get(ok2))).containsExactly("O1 O2 O3", "K1");
        assertThat(get(s.submit("after"))).isEqualTo("AFTER");
    }

    @Test
    void aFullQueueRefusesAtOnceAndShutdownAnswersWhatWasQueuedAndRunning() throws Exception {
        WordEngine engine = new WordEngine(1, 0, 0);
        ServerMetrics m = new ServerMetrics();
        var s = scheduler(64, 2, 0, m, engine);
        CompletableFuture<String> running = s.submit("r1 r2");
        awaitRunning(m, 1); // admitted, its pass waiting for a permit
        CompletableFuture<String> q1 = s.submit("q1"), q2 = s.submit("q2");
        assertThat(rejection(s.submit("over"))).isEqualTo(Reason.QUEUE_FULL);
        assertThat(s.queueDepth()).isEqualTo(2);
        assertThat(m.text()).contains("miniserve_num_requests_waiting 2.0", "miniserve_num_requests_running 1.0");
        s.shutdown();
        assertThat(rejection(s.submit("late"))).isEqualTo(Reason.SHUTTING_DOWN);
        engine.permits.release(100);
        assertThat(s.awaitTermination(Duration.ofSeconds(HANG_GUARD_S))).isTrue();
        assertThat(List.of(running.getNow(null), q1.getNow(null), q2.getNow(null))).containsExactly("R1 R2", "Q1", "Q2");
    }

    @Test
    void severalLoopsShareTheQueue() throws Exception {
        WordEngine e1 = new WordEngine(1, Integer.MAX_VALUE, 2), e2 = new WordEngine(1, Integer.MAX_VALUE, 2);
        var s = scheduler(64, 64, 0, new ServerMetrics(), e1, e2);
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) fs.add(s.submit("s" + i + " t" + i));
        for (int i = 0; i < 20; i++) assertThat(get(fs.get(i))).isEqualTo(("s" + i + " t" + i).toUpperCase(Locale.ROOT));
        assertThat(e1.passes).isNotEmpty();
        assertThat(e2.passes).isNotEmpty();
    }
}
