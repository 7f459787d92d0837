package miniserve.server;

import miniserve.model.Step;
import miniserve.model.StepHook;
import miniserve.server.SchedulerRejection.Reason;
import miniserve.server.StaticBatchScheduler.BatchFunction;
import miniserve.server.StaticBatchScheduler.Options;
import miniserve.serving.ServeFlags.ModelThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduler with a stand-in batch function that records what it was given. */
class StaticBatchSchedulerTest {

    /** Guards against hangs; never a speed goal. */
    private static final long HANG_GUARD_S = 10;

    /** Records every batch and the kind of thread it ran on; can be held at a gate. */
    static final class Recorder implements BatchFunction<String, String> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> ranOnVirtual = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public List<String> apply(List<String> payloads, StepHook hook) throws Exception {
            batches.add(List.copyOf(payloads));
            ranOnVirtual.add(Thread.currentThread().isVirtual());
            entered.countDown();
            gate.await();
            List<String> out = new ArrayList<>();
            for (String p : payloads) {
                if (p.startsWith("boom")) throw new IllegalStateException("model failed on " + p);
                out.add("result of " + p);
            }
            return out;
        }

        List<Integer> sizes() {
            synchronized (batches) {
                return batches.stream().map(List::size).toList();
            }
        }
    }

    private final List<StaticBatchScheduler<?, ?>> started = new ArrayList<>();

    @SafeVarargs
    private StaticBatchScheduler<String, String> scheduler(Options o, BatchFunction<String, String>... workers) {
        return scheduler(o, new ServerMetrics(), workers);
    }

    @SafeVarargs
    private StaticBatchScheduler<String, String> scheduler(Options o, ServerMetrics m, BatchFunction<String, String>... workers) {
        StaticBatchScheduler<String, String> s = new StaticBatchScheduler<>(o, List.of(workers), m);
        started.add(s);
        return s;
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (StaticBatchScheduler<?, ?> s : started) {
            s.shutdown();
            s.awaitTermination(Duration.ofSeconds(HANG_GUARD_S));
        }
    }

    private static Options options(int maxBatch, long maxWaitMs, int maxQueue, long requestTimeoutMs) {
        return new Options(maxBatch, maxWaitMs, maxQueue, requestTimeoutMs, ModelThread.PLATFORM);
    }

    /**
     * A batch function that runs {@code passes} forward passes of {@code passMillis} each, asking its
     * hook before every pass which rows are still wanted, as the generator does; it stops early when
     * none is. Records, per pass, the rows still wanted.
     */
    static final class Stepper implements BatchFunction<String, String> {
        final int passes;
        final long passMillis;
        final List<List<Integer>> wantedPerPass = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch returned = new CountDownLatch(1);

        Stepper(int passes, long passMillis) {
            this.passes = passes;
            this.passMillis = passMillis;
        }

        @Override
        public List<String> apply(List<String> payloads, StepHook hook) throws Exception {
            entered.countDown();
            for (int pass = 0; pass < passes; pass++) {
                List<Integer> wanted = new ArrayList<>();
                for (int row = 0; row < payloads.size(); row++) if (hook.wanted(row)) wanted.add(row);
                if (wanted.isEmpty()) break;
                wantedPerPass.add(wanted);
                long start = System.nanoTime();
                Thread.sleep(passMillis);
                Step step = Step.of(start, System.nanoTime(), payloads.size());
                for (int row = 0; row < payloads.size(); row++) {
                    step.kinds()[row] = wanted.contains(row) ? (pass == 0 ? Step.PREFILL : Step.DECODE) : Step.AFTER_END;
                    step.tokens()[row] = 1;
                }
                hook.stepDone(step);
            }
            returned.countDown();
            return payloads.stream().map(p -> "result of " + p).toList();
        }
    }

    private static String get(CompletableFuture<String> f) throws Exception {
        return f.get(HANG_GUARD_S, TimeUnit.SECONDS);
    }

    /** Waits for a line of the metrics: what completes a future counts it just after. */
    static void awaitMetric(ServerMetrics m, String line) throws InterruptedException {
        awaitTrue("metrics line " + line, () -> m.text().contains(line));
    }

    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_S);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(guard);
            Thread.sleep(1);
        }
    }

    @Test
    void aBatchClosesWhenItHoldsMaxBatchRequests() throws Exception {
        Recorder r = new Recorder();
        // A wait far longer than the test: only the size limit can close these batches.
        var s = scheduler(options(4, 60_000, 64, 0), r);
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 8; i++) fs.add(s.submit("r" + i));
        for (int i = 0; i < 8; i++) assertThat(get(fs.get(i))).isEqualTo("result of r" + i);
        assertThat(r.batches).containsExactly(List.of("r0", "r1", "r2", "r3"), List.of("r4", "r5", "r6", "r7"));
    }

    @Test
    void aBatchClosesMaxWaitAfterItsFirstRequest() throws Exception {
        Recorder r = new Recorder();
        var s = scheduler(options(100, 150, 64, 0), r);
        long t0 = System.nanoTime();
        List<CompletableFuture<String>> fs = List.of(s.submit("a"), s.submit("b"), s.submit("c"));
        for (CompletableFuture<String> f : fs) get(f);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.sizes()).containsExactly(3);
        assertThat(elapsedMs).as("the loop waits for more requests until max_wait has passed").isGreaterThanOrEqualTo(150);
    }

    @Test
    void zeroWaitRunsWhatIsThereAtOnce() throws Exception {
        Recorder r = new Recorder();
        var s = scheduler(options(8, 0, 64, 0), r);
        assertThat(get(s.submit("alone"))).isEqualTo("result of alone");
        assertThat(r.sizes()).containsExactly(1);
    }

    @Test
    void everyFutureGetsItsOwnRowUnderConcurrentSubmitters() throws Exception {
        Recorder r = new Recorder();
        var s = scheduler(options(8, 5, 1024, 0), r);
        int n = 400;
        List<CompletableFuture<String>> fs = new ArrayList<>();
        try (var submitters = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<CompletableFuture<String>>> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String payload = "sentence " + i;
                handles.add(submitters.submit(() -> s.submit(payload)));
            }
            for (var h : handles) fs.add(h.get());
        }
        for (int i = 0; i < n; i++) assertThat(get(fs.get(i))).isEqualTo("result of sentence " + i);
        assertThat(r.sizes()).allMatch(size -> size >= 1 && size <= 8);
        assertThat(r.sizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
    }

    @Test
    void anExceptionFailsOnlyItsBatchAndTheLoopGoesOn() throws Exception {
        Recorder r = new Recorder();
        // Batches of exactly two, in submission order: [a, boom] [c, d] [e, f].
        var s = scheduler(options(2, 60_000, 64, 0), r);
        CompletableFuture<String> a = s.submit("a"), boom = s.submit("boom"), c = s.submit("c"), d = s.submit("d");
        assertThatThrownBy(() -> get(boom)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("boom");
        assertThatThrownBy(() -> get(a)).cause().isInstanceOf(IllegalStateException.class);
        assertThat(get(c)).isEqualTo("result of c");
        assertThat(get(d)).isEqualTo("result of d");
        CompletableFuture<String> e = s.submit("e"), f = s.submit("f");
        assertThat(List.of(get(e), get(f))).containsExactly("result of e", "result of f");
        assertThat(r.sizes()).containsExactly(2, 2, 2);
    }

    @Test
    void aFullQueueRejectsAtOnceAndEveryAcceptedRequestIsAnswered() throws Exception {
        Recorder r = new Recorder();
        r.gate = new CountDownLatch(1);
        var s = scheduler(options(1, 0, 3, 0), r);
        CompletableFuture<String> running = s.submit("running");
        assertThat(r.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> queued = List.of(s.submit("q1"), s.submit("q2"), s.submit("q3"));
        List<CompletableFuture<String>> excess = List.of(s.submit("x1"), s.submit("x2"));
        assertThat(s.queueDepth()).isEqualTo(3);
        for (CompletableFuture<String> f : excess) {
            assertThat(f).isCompletedExceptionally(); // rejected at once, not after the model frees up
            assertThatThrownBy(f::join).cause().isInstanceOf(SchedulerRejection.class)
                    .extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.QUEUE_FULL);
        }
        r.gate.countDown();
        assertThat(get(running)).isEqualTo("result of running");
        for (int i = 0; i < 3; i++) assertThat(get(queued.get(i))).isEqualTo("result of q" + (i + 1));
    }

    /** A text's sentences go in together or not at all: a refused text leaves no row behind to take room or run. */
    @Test
    void severalPayloadsAreQueuedAllOrNone() throws Exception {
        Recorder r = new Recorder();
        r.gate = new CountDownLatch(1);
        var s = scheduler(options(8, 0, 3, 0), r);
        CompletableFuture<String> running = s.submit("running");
        assertThat(r.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> two = s.submitAll(List.of("t1", "t2"));
        assertThat(s.queueDepth()).isEqualTo(2);
        assertThatThrownBy(() -> s.submitAll(List.of("u1", "u2"))) // room for one only
                .isInstanceOf(SchedulerRejection.class).extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.QUEUE_FULL);
        assertThat(s.queueDepth()).as("nothing of the refused text was queued").isEqualTo(2);
        List<CompletableFuture<String>> one = s.submitAll(List.of("v1")); // the room is still there
        r.gate.countDown();
        assertThat(get(running)).isEqualTo("result of running");
        assertThat(List.of(get(two.get(0)), get(two.get(1)), get(one.get(0)))).containsExactly("result of t1", "result of t2", "result of v1");
        assertThat(r.batches).as("the queued text ran in one batch, the refused one never").contains(List.of("t1", "t2", "v1"))
                .noneMatch(b -> b.contains("u1") || b.contains("u2"));
        s.shutdown();
        assertThatThrownBy(() -> s.submitAll(List.of("late")))
                .isInstanceOf(SchedulerRejection.class).extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.SHUTTING_DOWN);
    }

    @Test
    void aRequestPastItsDeadlineWhileWaitingIsAnsweredThenAndNeverRun() throws Exception {
        Recorder r = new Recorder();
        r.gate = new CountDownLatch(1);
        ServerMetrics m = new ServerMetrics();
        var s = scheduler(options(1, 0, 8, 300), m, r);
        CompletableFuture<String> running = s.submit("running");
        assertThat(r.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> waiting = s.submit("waiting");
        // The model is still busy: the waiting request times out while it waits, and leaves the queue.
        assertThatThrownBy(() -> waiting.get(HANG_GUARD_S, TimeUnit.SECONDS)).cause()
                .isInstanceOf(SchedulerRejection.class)
                .extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.TIMED_OUT);
        awaitTrue("the timed-out request leaving the queue", () -> s.queueDepth() == 0);
        r.gate.countDown();
        // the batch outlived its own deadline too: answered with the timeout, not late
        assertThatThrownBy(() -> get(running)).cause().isInstanceOf(SchedulerRejection.class);
        assertThat(get(s.submit("later"))).isEqualTo("result of later");
        assertThat(r.batches).containsExactly(List.of("running"), List.of("later"));
        awaitMetric(m, "miniserve_requests_timed_out_total 2.0");
    }

    @Test
    void aDeadlineFiresWhileTheBatchRunsAndABatchNobodyWantsStops() throws Exception {
        Stepper stepper = new Stepper(200, 10); // two seconds of passes if nothing stops it
        ServerMetrics m = new ServerMetrics();
        var sched = scheduler(options(2, 50, 8, 150), m, stepper);
        long t0 = System.nanoTime();
        CompletableFuture<String> a = sched.submit("a"), b = sched.submit("b");
        for (CompletableFuture<String> f : List.of(a, b))
            assertThatThrownBy(() -> get(f)).cause().isInstanceOf(SchedulerRejection.class)
                    .extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.TIMED_OUT);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ms).as("answered at the deadline, not at the batch's end").isLessThan(1500);
        // the batch stops at the first pass after the deadline instead of running its 200 passes
        assertThat(stepper.returned.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        assertThat(stepper.wantedPerPass.size()).isBetween(1, 100);
        awaitMetric(m, "miniserve_requests_timed_out_total 2.0");
    }

    @Test
    void aCancelledRequestLeavesItsBatchAtTheNextPassAndTheOthersGoOn() throws Exception {
        Stepper stepper = new Stepper(30, 10);
        ServerMetrics m = new ServerMetrics();
        var sched = scheduler(options(2, 200, 8, 0), m, stepper);
        CompletableFuture<String> keep = sched.submit("keep"), gone = sched.submit("gone");
        assertThat(stepper.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(gone.cancel(false)).isTrue(); // what the HTTP layer does when the client closes its connection
        assertThat(get(keep)).isEqualTo("result of keep");
        List<List<Integer>> passes = stepper.wantedPerPass;
        assertThat(passes.getFirst()).containsExactly(0, 1);
        assertThat(passes.getLast()).containsExactly(0); // row 1 no longer computed for anybody
        assertThat(passes).hasSize(30);
        assertThat(m.text()).contains("miniserve_tokens_after_end_total").doesNotContain("miniserve_tokens_after_end_total 0.0");
    }

    @Test
    void shutdownRefusesNewWorkAndFinishesWhatIsQueuedAndRunning() throws Exception {
        Recorder r = new Recorder();
        r.gate = new CountDownLatch(1);
        var s = scheduler(options(2, 0, 64, 0), r);
        List<CompletableFuture<String>> accepted = new ArrayList<>();
        accepted.add(s.submit("s0"));
        assertThat(r.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < 5; i++) accepted.add(s.submit("s" + i));
        s.shutdown();
        CompletableFuture<String> late = s.submit("late");
        assertThatThrownBy(late::join).cause().isInstanceOf(SchedulerRejection.class)
                .extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.SHUTTING_DOWN);
        r.gate.countDown();
        assertThat(s.awaitTermination(Duration.ofSeconds(HANG_GUARD_S))).isTrue();
        for (int i = 0; i < 5; i++) assertThat(accepted.get(i)).isCompletedWithValue("result of s" + i);
    }

    /** With a request timeout too: after the drain its deadline timer has stopped, and a request still gets the refusal. */
    @Test
    void afterTheDrainARequestIsRefusedAsShuttingDown() throws Exception {
        var s = scheduler(options(2, 0, 64, 30_000), new Recorder());
        assertThat(s.submit("before").get(HANG_GUARD_S, TimeUnit.SECONDS)).isEqualTo("result of before");
        s.shutdown();
        assertThat(s.awaitTermination(Duration.ofSeconds(HANG_GUARD_S))).isTrue();
        CompletableFuture<String> late = s.submit("late");
        assertThatThrownBy(late::join).cause().isInstanceOf(SchedulerRejection.class)
                .extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.SHUTTING_DOWN);
        assertThatThrownBy(() -> s.submitAll(List.of("late 1", "late 2"))).isInstanceOf(SchedulerRejection.class)
                .extracting(e -> ((SchedulerRejection) e).reason()).isEqualTo(Reason.SHUTTING_DOWN);
    }

    @Test
    void batchesRunOnPlatformThreadsUnlessTheDemonstrationSwitchIsOn() throws Exception {
        Recorder platform = new Recorder();
        get(scheduler(options(4, 0, 8, 0), platform).submit("p"));
        assertThat(platform.ranOnVirtual).containsExactly(false);

        Recorder virtual = new Recorder();
        get(scheduler(new Options(4, 0, 8, 0, ModelThread.VIRTUAL), virtual).submit("v"));
        assertThat(virtual.ranOnVirtual).containsExactly(true);
    }

    @Test
    void severalLoopsShareOneQueueAndRunSideBySide() throws Exception {
        // Batches of one, one loop per worker: max_batch=1 as the lab runs it.
        Recorder w1 = new Recorder(), w2 = new Recorder();
        w1.gate = new CountDownLatch(1);
        w2.gate = new CountDownLatch(1);
        var s = scheduler(options(1, 0, 8, 0), w1, w2);
        CompletableFuture<String> a = s.submit("a"), b = s.submit("b");
        // Both workers are inside their batch function at the same time.
        assertThat(w1.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        assertThat(w2.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        w1.gate.countDown();
        w2.gate.countDown();
        assertThat(List.of(get(a), get(b))).containsExactly("result of a", "result of b");
        assertThat(w1.sizes()).containsExactly(1);
        assertThat(w2.sizes()).containsExactly(1);
    }

    @Test
    void batchSizesAndQueueDepthReachTheMetrics() throws Exception {
        Recorder r = new Recorder();
        r.gate = new CountDownLatch(1);
        ServerMetrics m = new ServerMetrics();
        var s = scheduler(options(2, 0, 8, 0), m, r);
        CompletableFuture<String> first = s.submit("first");
        assertThat(r.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> rest = List.of(s.submit("b1"), s.submit("b2"), s.submit("b3"));
        assertThat(m.text()).contains("miniserve_num_requests_waiting 3.0").contains("miniserve_num_requests_running 1.0");
        r.gate.countDown();
        get(first);
        for (var f : rest) get(f);
        assertThat(r.sizes()).containsExactly(1, 2, 1);
        String text = m.text();
        assertThat(text).contains("miniserve_batch_size_count 3");
        assertThat(text).contains("miniserve_batch_size_sum 4.0");
        assertThat(text).contains("miniserve_batch_size_bucket{le=\"1.0\"} 2");
        assertThat(text).contains("miniserve_batch_size_bucket{le=\"2.0\"} 3");
        assertThat(text).contains("miniserve_request_queue_time_seconds_count 4");
        assertThat(text).contains("miniserve_batch_model_seconds_count 3");
        assertThat(text).contains("miniserve_e2e_request_latency_seconds_count 4");
        assertThat(text).contains("miniserve_num_requests_waiting 0.0").contains("miniserve_num_requests_running 0.0");
    }
}
