package miniserve.server;

import miniserve.model.Step;
import miniserve.model.StepHook;
import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The unbatched baseline (Lab 01's "variant C"): no batching loop at all. Each request becomes a
 * task on a fixed pool of platform threads, one per model worker, and runs alone on the worker of
 * the thread that takes it. The lab measures {@code max_batch=1} of {@link StaticBatchScheduler}
 * against this, so the two must not share the code whose overhead is in question: here there is
 * no loop that polls and collects, only a plain executor with a bounded queue.
 *
 * <p>As in the schedulers, a request is answered with a timeout at its deadline whether it waits or
 * runs, and one whose client went away is dropped: skipped when a worker takes it, stopped at the
 * next forward pass while it runs.
 */
public final class UnbatchedExecutor<P, R> implements RequestQueue<P, R> {

    /** Model worker {@code index} (its passes go to the trace under that number). */
    private record Worker<P, R>(int index, BatchFunction<P, R> fn) {}

    /** A pool thread bound to one model worker for its life; the worker is free again when the thread ends. */
    private static final class WorkerThread<P, R> extends Thread {
        final Worker<P, R> worker;

        WorkerThread(Runnable task, String name, Worker<P, R> worker, Queue<Worker<P, R>> free) {
            super(() -> {
                try {
                    task.run();
                } finally {
                    free.add(worker);
                }
            }, name);
            this.worker = worker;
            setDaemon(true);
        }
    }

    private final ThreadPoolExecutor pool;
    private final ServerMetrics metrics;
    private final Deadlines deadlines;
    private final int maxQueue;

    /**
     * @param maxQueue         requests that may wait; more are refused at once
     * @param requestTimeoutMs a request not answered within this gets 503; 0 = no limit
     * @param workers          one per pool thread, each used by its thread only
     */
    public UnbatchedExecutor(int maxQueue, long requestTimeoutMs, List<? extends BatchFunction<P, R>> workers, ServerMetrics metrics) {
        if (workers.isEmpty()) throw new IllegalArgumentException("at least one worker is needed");
        if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
        this.metrics = metrics;
        this.maxQueue = maxQueue;
        this.deadlines = new Deadlines(requestTimeoutMs, metrics);
        // Each worker is used by one thread at a time. The pool replaces a thread that died; the
        // replacement takes the worker its predecessor gave back (none free yet: no thread, and the
        // pool tries again at the next request).
        Queue<Worker<P, R>> free = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < workers.size(); i++) free.add(new Worker<>(i, workers.get(i)));
        AtomicInteger made = new AtomicInteger();
        ThreadFactory threads = task -> {
            Worker<P, R> worker = free.poll();
            return worker == null ? null : new WorkerThread<>(task, "model-" + made.getAndIncrement(), worker, free);
        };
        int n = workers.size();
        this.pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueue), threads);
        pool.prestartAllCoreThreads();
        metrics.waitingFrom(pool.getQueue()::size);
    }

    @Override
    public CompletableFuture<R> submit(P payload) {
        // the task is made before its request, so that a request answered while it waits can take it out of the queue
        Runnable[] task = new Runnable[1];
        PendingRequest<P, R> p = deadlines.start(payload, answered -> pool.remove(task[0]));
        task[0] = () -> run(p);
        try {
            pool.execute(task[0]);
        } catch (RejectedExecutionException e) {
            p.future.completeExceptionally(pool.isShutdown() ? SchedulerRejection.shuttingDown() : SchedulerRejection.queueFull(maxQueue));
        }
        return p.future;
    }

    /** Runs one request; whatever happens, its future is completed and the thread lives on. */
    private void run(PendingRequest<P, R> p) {
        try {
            runOne(p);
        } catch (Throwable t) {
            p.future.completeExceptionally(t); // a no-op if it was completed already
        }
    }

    @SuppressWarnings("unchecked")
    private void runOne(PendingRequest<P, R> p) {
        long start = System.nanoTime();
        if (deadlines.gone(p, start)) return; // timed out or cancelled while it waited
        Worker<P, R> worker = ((WorkerThread<P, R>) Thread.currentThread()).worker;
        metrics.queueTime(start - p.enqueuedNanos);
        metrics.running(1);
        R result = null;
        Throwable failure = null;
        try {
            List<? extends R> results = worker.fn().apply(List.of(p.payload), hook(worker.index(), p));
            if (results == null || results.size() != 1)
                throw new IllegalStateException("the worker returned " + (results == null ? "null" : results.size() + " results")
                        + " for one request");
            result = results.get(0);
        } catch (Throwable t) {
            failure = t; // this request fails, and only this one
        }
        metrics.running(-1);
        long now = System.nanoTime();
        metrics.batch(1, now - start); // recorded before the answer leaves, as in the scheduler
        if (failure != null) p.future.completeExceptionally(failure);
        else p.answer(result, now, metrics);
    }

    /** The request's checks at every pass: still wanted, and what the pass computed. */
    private StepHook hook(int index, PendingRequest<P, R> p) {
        return new StepHook() {
            @Override
            public boolean wanted(int row) {
                return !deadlines.gone(p, System.nanoTime());
            }

            @Override
            public void stepDone(Step step) {
                metrics.step(index, step);
                if (step.kinds()[0] == Step.PREFILL || step.kinds()[0] == Step.DECODE) p.tokenAt(step.endNanos(), metrics);
            }
        };
    }

    @Override
    public int queueDepth() {
        return pool.getQueue().size();
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public boolean awaitTermination(Duration limit) throws InterruptedException {
        boolean done = pool.awaitTermination(limit.toNanos(), TimeUnit.NANOSECONDS);
        if (done) deadlines.close();
        return done;
    }
}
