package miniserve.server;

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
 * <p>A queue timeout is checked when a worker takes the request: one that waited too long gets its
 * 503 then, not at the deadline as in the scheduler.
 */
public final class UnbatchedExecutor<P, R> implements RequestQueue<P, R> {

    /** A pool thread bound to one model worker for its life; the worker is free again when the thread ends. */
    private static final class WorkerThread<P, R> extends Thread {
        final BatchFunction<P, R> worker;

        WorkerThread(Runnable task, String name, BatchFunction<P, R> worker, Queue<BatchFunction<P, R>> free) {
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
    private final int maxQueue;
    private final long queueTimeoutNanos;

    /**
     * @param maxQueue       requests that may wait; more are refused at once
     * @param queueTimeoutMs a request that waited this long before a worker took it gets 503; 0 = no limit
     * @param workers        one per pool thread, each used by its thread only
     */
    public UnbatchedExecutor(int maxQueue, long queueTimeoutMs, List<? extends BatchFunction<P, R>> workers, ServerMetrics metrics) {
        if (workers.isEmpty()) throw new IllegalArgumentException("at least one worker is needed");
        if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
        if (queueTimeoutMs < 0) throw new IllegalArgumentException("queue timeout must be >= 0 ms (0 = off), got " + queueTimeoutMs);
        this.metrics = metrics;
        this.maxQueue = maxQueue;
        this.queueTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(queueTimeoutMs);
        // Each worker is used by one thread at a time. The pool replaces a thread that died; the
        // replacement takes the worker its predecessor gave back (none free yet: no thread, and the
        // pool tries again at the next request).
        Queue<BatchFunction<P, R>> free = new ConcurrentLinkedQueue<>(workers);
        AtomicInteger made = new AtomicInteger();
        ThreadFactory threads = task -> {
            BatchFunction<P, R> worker = free.poll();
            return worker == null ? null : new WorkerThread<>(task, "model-" + made.getAndIncrement(), worker, free);
        };
        int n = workers.size();
        this.pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueue), threads);
        pool.prestartAllCoreThreads();
        metrics.queueDepthFrom(pool.getQueue()::size);
    }

    @Override
    public CompletableFuture<R> submit(P payload) {
        CompletableFuture<R> future = new CompletableFuture<>();
        long enqueued = System.nanoTime();
        try {
            pool.execute(() -> run(payload, enqueued, future));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(pool.isShutdown() ? SchedulerRejection.shuttingDown() : SchedulerRejection.queueFull(maxQueue));
        }
        return future;
    }

    /** Runs one request; whatever happens, its future is completed and the thread lives on. */
    private void run(P payload, long enqueued, CompletableFuture<R> future) {
        try {
            runOne(payload, enqueued, future);
        } catch (Throwable t) {
            future.completeExceptionally(t); // a no-op if it was completed already
        }
    }

    @SuppressWarnings("unchecked")
    private void runOne(P payload, long enqueued, CompletableFuture<R> future) {
        long start = System.nanoTime();
        if (queueTimeoutNanos > 0 && start - enqueued >= queueTimeoutNanos) {
            future.completeExceptionally(SchedulerRejection.queueTimeout(TimeUnit.NANOSECONDS.toMillis(queueTimeoutNanos)));
            return;
        }
        BatchFunction<P, R> worker = ((WorkerThread<P, R>) Thread.currentThread()).worker;
        metrics.batchStarted(1, new long[]{start - enqueued});
        R result = null;
        Throwable failure = null;
        try {
            List<? extends R> results = worker.apply(List.of(payload));
            if (results == null || results.size() != 1)
                throw new IllegalStateException("the worker returned " + (results == null ? "null" : results.size() + " results")
                        + " for one request");
            result = results.get(0);
        } catch (Throwable t) {
            failure = t; // this request fails, and only this one
        }
        metrics.batchFinished(System.nanoTime() - start); // recorded before the answer leaves, as in the scheduler
        if (failure != null) future.completeExceptionally(failure);
        else future.complete(result);
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
        return pool.awaitTermination(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
}
