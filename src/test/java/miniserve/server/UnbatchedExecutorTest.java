package miniserve.server;

import miniserve.server.SchedulerRejection.Reason;
import miniserve.server.StaticBatchSchedulerTest.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The baseline's executor with stand-in workers that record what they were given. */
class UnbatchedExecutorTest {

    /** Guards against hangs; never a speed goal. */
    private static final long HANG_GUARD_S = 10;

    private final List<UnbatchedExecutor<?, ?>> started = new ArrayList<>();

    @SafeVarargs
    private UnbatchedExecutor<String, String> executor(int maxQueue, long requestTimeoutMs, ServerMetrics m,
                                                       StaticBatchScheduler.BatchFunction<String, String>... workers) {
        UnbatchedExecutor<String, String> e = new UnbatchedExecutor<>(maxQueue, requestTimeoutMs, List.of(workers), m);
        started.add(e);
        return e;
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (UnbatchedExecutor<?, ?> e : started) {
            e.shutdown();
            e.awaitTermination(Duration.ofSeconds(HANG_GUARD_S));
        }
    }

    private static String get(CompletableFuture<String> f) throws Exception {
        return f.get(HANG_GUARD_S, TimeUnit.SECONDS);
    }

    private static Reason rejection(CompletableFuture<String> f) {
        assertThat(f).isCompletedExceptionally();
        return ((SchedulerRejection) f.handle((v, t) -> t).join()).reason();
    }

    @Test
    void eachRequestRunsAloneAndTheWorkersRunSideBySideOnPlatformThreads() throws Exception {
        Recorder w1 = new Recorder(), w2 = new Recorder();
        w1.gate = new CountDownLatch(1);
        w2.gate = new CountDownLatch(1);
        ServerMetrics m = new ServerMetrics();
        var e = executor(8, 0, m, w1, w2);
        CompletableFuture<String> a = e.submit("a"), b = e.submit("b");
        // both workers are inside their function at once, each with one request
        assertThat(w1.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        assertThat(w2.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> queued = List.of(e.submit("c"), e.submit("d"), e.submit("e"));
        assertThat(e.queueDepth()).isEqualTo(3);
        assertThat(m.text()).contains("miniserve_num_requests_waiting 3.0").contains("miniserve_num_requests_running 2.0");
        w1.gate.countDown();
        w2.gate.countDown();
        assertThat(List.of(get(a), get(b))).containsExactly("result of a", "result of b");
        for (var f : queued) assertThat(get(f)).startsWith("result of ");
        List<Integer> sizes = new ArrayList<>(w1.sizes());
        sizes.addAll(w2.sizes());
        assertThat(sizes).hasSize(5).containsOnly(1);
        assertThat(w1.ranOnVirtual).containsOnly(false);
        String text = m.text();
        assertThat(text).contains("miniserve_batch_size_count 5").contains("miniserve_batch_size_bucket{le=\"1.0\"} 5")
                .contains("miniserve_request_queue_time_seconds_count 5").contains("miniserve_batch_model_seconds_count 5")
                .contains("miniserve_num_requests_waiting 0.0").contains("miniserve_num_requests_running 0.0");
    }

    @Test
    void aFullQueueIsRefusedAtOnceAndShutdownRunsWhatWasQueued() throws Exception {
        Recorder w = new Recorder();
        w.gate = new CountDownLatch(1);
        var e = executor(2, 0, new ServerMetrics(), w);
        CompletableFuture<String> running = e.submit("running");
        assertThat(w.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> q1 = e.submit("q1"), q2 = e.submit("q2");
        CompletableFuture<String> over = e.submit("over");
        assertThat(rejection(over)).isEqualTo(Reason.QUEUE_FULL);
        assertThat(over.handle((v, t) -> t.getMessage()).join()).contains("2 requests waiting");

        e.shutdown();
        assertThat(rejection(e.submit("late"))).isEqualTo(Reason.SHUTTING_DOWN);
        w.gate.countDown();
        assertThat(e.awaitTermination(Duration.ofSeconds(HANG_GUARD_S))).isTrue();
        assertThat(List.of(get(running), get(q1), get(q2))).containsExactly("result of running", "result of q1", "result of q2");
    }

    /** With a request timeout too: after the drain its deadline timer has stopped, and a request still gets the refusal. */
    @Test
    void afterTheDrainARequestIsRefusedAsShuttingDown() throws Exception {
        var e = executor(4, 30_000, new ServerMetrics(), new Recorder());
        assertThat(get(e.submit("before"))).isEqualTo("result of before");
        e.shutdown();
        assertThat(e.awaitTermination(Duration.ofSeconds(HANG_GUARD_S))).isTrue();
        assertThat(rejection(e.submit("late"))).isEqualTo(Reason.SHUTTING_DOWN);
    }

    /** Without a queue of its own to reserve room in, a refused text's queued sentences are withdrawn and never run. */
    @Test
    void severalPayloadsAreQueuedAllOrNoneByWithdrawingTheQueuedOnes() throws Exception {
        Recorder w = new Recorder();
        w.gate = new CountDownLatch(1);
        var e = executor(2, 0, new ServerMetrics(), w);
        CompletableFuture<String> running = e.submit("running");
        assertThat(w.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> e.submitAll(List.of("t1", "t2", "t3"))) // room for two
                .isInstanceOf(SchedulerRejection.class).extracting(x -> ((SchedulerRejection) x).reason()).isEqualTo(Reason.QUEUE_FULL);
        assertThat(e.queueDepth()).as("the withdrawn ones left the queue").isZero();
        List<CompletableFuture<String>> two = e.submitAll(List.of("v1", "v2"));
        w.gate.countDown();
        assertThat(List.of(get(running), get(two.get(0)), get(two.get(1)))).containsExactly("result of running", "result of v1", "result of v2");
        assertThat(w.batches).noneMatch(b -> b.contains("t1") || b.contains("t2") || b.contains("t3"));
    }

    @Test
    void aFailingRequestFailsAloneAndTheWorkerGoesOn() throws Exception {
        Recorder w = new Recorder();
        var e = executor(8, 0, new ServerMetrics(), w);
        CompletableFuture<String> bad = e.submit("boom-1");
        assertThatThrownBy(() -> get(bad)).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("model failed on boom-1");
        assertThat(get(e.submit("fine"))).isEqualTo("result of fine");
    }

    @Test
    void evenAnErrorFromTheModelFailsOnlyItsRequestAndKeepsTheThread() throws Exception {
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        StaticBatchScheduler.BatchFunction<String, String> worker = (payloads, hook) -> {
            threads.add(Thread.currentThread().getName());
            if (payloads.get(0).equals("fatal")) throw new AssertionError("an Error, not an Exception");
            return List.of("result of " + payloads.get(0));
        };
        var e = executor(8, 0, new ServerMetrics(), worker);
        CompletableFuture<String> fatal = e.submit("fatal");
        assertThatThrownBy(() -> get(fatal)).hasCauseInstanceOf(AssertionError.class);
        assertThat(get(e.submit("after"))).isEqualTo("result of after");
        assertThat(threads).containsExactly("model-0", "model-0"); // the same thread, not a replacement
    }

    @Test
    void aRequestPastItsDeadlineIsAnsweredThenAndNeverReachesTheModel() throws Exception {
        Recorder w = new Recorder();
        w.gate = new CountDownLatch(1);
        ServerMetrics m = new ServerMetrics();
        var e = executor(8, 200, m, w);
        CompletableFuture<String> first = e.submit("first");
        assertThat(w.entered.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> waiting = e.submit("waiting");
        // answered at its deadline, while the only worker is still busy
        assertThatThrownBy(() -> get(waiting)).cause().isInstanceOf(SchedulerRejection.class);
        assertThat(rejection(waiting)).isEqualTo(Reason.TIMED_OUT);
        StaticBatchSchedulerTest.awaitTrue("the timed-out request leaving the queue", () -> e.queueDepth() == 0);
        w.gate.countDown();
        assertThat(rejection(first)).isEqualTo(Reason.TIMED_OUT); // the running one passed its deadline too
        assertThat(w.sizes()).containsExactly(1); // "waiting" never reached the model
        assertThat(get(e.submit("later"))).isEqualTo("result of later");
        StaticBatchSchedulerTest.awaitMetric(m, "miniserve_requests_timed_out_total 2.0");
    }

    @Test
    void aRunningRequestStopsAtTheFirstPassAfterItsDeadline() throws Exception {
        StaticBatchSchedulerTest.Stepper stepper = new StaticBatchSchedulerTest.Stepper(200, 10);
        var e = executor(8, 150, new ServerMetrics(), stepper);
        long t0 = System.nanoTime();
        CompletableFuture<String> running = e.submit("running");
        assertThatThrownBy(() -> get(running)).cause().isInstanceOf(SchedulerRejection.class)
                .extracting(t -> ((SchedulerRejection) t).reason()).isEqualTo(Reason.TIMED_OUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1500);
        assertThat(stepper.returned.await(HANG_GUARD_S, TimeUnit.SECONDS)).isTrue();
        assertThat(stepper.wantedPerPass.size()).isBetween(1, 100);
    }
}
