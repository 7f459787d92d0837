package miniserve.server;

import miniserve.serving.ServeFlags.ModelThread;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Static request batching: callers {@link #submit} one payload each and get a future; a loop
 * blocks for the first waiting request, keeps taking until it holds {@code maxBatch} requests
 * or {@code maxWaitMs} have passed since it took the first (requests already waiting are taken
 * without waiting), runs the batch function once over the whole batch, and completes each
 * future with its own row of the result. One batch at a time per loop.
 *
 * <p>The unbatched baseline is not this class at {@code maxBatch = 1} but {@link UnbatchedExecutor},
 * a plain executor: the lab compares the two to show what this loop costs when it batches nothing.
 *
 * <p>Where the batch runs. Each loop, and so each batch, runs on a dedicated <em>platform</em>
 * thread. HTTP handlers run on virtual threads, which the JVM multiplexes over a few carrier
 * threads (one per core). A virtual thread gives up its carrier only when it blocks; a forward
 * pass never blocks, it computes for tens or hundreds of milliseconds. Run it on a virtual thread
 * and it holds a carrier that long, and the handlers that parse, enqueue and answer requests
 * share what is left (on two cores: one carrier): the Java form of calling the model on
 * Python's event loop. {@link ModelThread#VIRTUAL} does exactly that, as a demonstration.
 */
public final class StaticBatchScheduler<P, R> implements RequestQueue<P, R> {

    /** Runs the model once over a batch; returns one result per payload, in order. */
    @FunctionalInterface
    public interface BatchFunction<P, R> {
        List<? extends R> apply(List<P> payloads) throws Exception;
    }

    public record Options(int maxBatch, long maxWaitMs, int maxQueue, long queueTimeoutMs, ModelThread modelThread) {
        public Options {
            if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
            if (maxWaitMs < 0) throw new IllegalArgumentException("max wait must be >= 0 ms, got " + maxWaitMs);
            if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
            if (queueTimeoutMs < 0) throw new IllegalArgumentException("queue timeout must be >= 0 ms (0 = off), got " + queueTimeoutMs);
            if (modelThread == null) throw new IllegalArgumentException("model thread kind is required");
        }
    }

    /** A request between submit and its future's completion. */
    private static final class Pending<P, R> {
        final P payload;
        final long enqueuedNanos = System.nanoTime();
        final CompletableFuture<R> future = new CompletableFuture<>();
        /** Taken by whichever comes first: a batch, or the queue timeout. */
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Pending(P payload) {
            this.payload = payload;
        }
    }

    // How often an idle loop looks whether it has been asked to stop.
    private static final long IDLE_CHECK_MS = 50;

    private final Options options;
    private final ServerMetrics metrics;
    private final LinkedBlockingQueue<Pending<P, R>> queue;
    private final ScheduledExecutorService timeouts; // null when queue timeouts are off
    private final List<Thread> loops = new ArrayList<>();
    private final ReentrantLock admission = new ReentrantLock();
    private boolean accepting = true; // guarded by admission
    private volatile boolean draining;

    /** One batching loop per batch function (each function is used by its loop only). */
    public StaticBatchScheduler(Options options, List<? extends BatchFunction<P, R>> workers, ServerMetrics metrics) {
        if (workers.isEmpty()) throw new IllegalArgumentException("at least one batch function is needed");
        this.options = options;
        this.metrics = metrics;
        this.queue = new LinkedBlockingQueue<>(options.maxQueue());
        this.timeouts = options.queueTimeoutMs() > 0 ? newTimeoutExecutor() : null;
        metrics.queueDepthFrom(queue::size);
        for (int i = 0; i < workers.size(); i++) {
            BatchFunction<P, R> fn = workers.get(i);
            Thread.Builder builder = options.modelThread() == ModelThread.PLATFORM
                    ? Thread.ofPlatform().daemon().name("model-" + i)
                    : Thread.ofVirtual().name("model-virtual-" + i);
            loops.add(builder.start(() -> loop(fn)));
        }
    }

    public Options options() {
        return options;
    }

    @Override
    public CompletableFuture<R> submit(P payload) {
        Pending<P, R> p = new Pending<>(payload);
        admission.lock();
        try {
            if (!accepting) {
                p.future.completeExceptionally(SchedulerRejection.shuttingDown());
                return p.future;
            }
            if (!queue.offer(p)) {
                p.future.completeExceptionally(SchedulerRejection.queueFull(options.maxQueue()));
                return p.future;
            }
        } finally {
            admission.unlock();
        }
        if (timeouts != null) p.timeout = timeouts.schedule(() -> expire(p), options.queueTimeoutMs(), TimeUnit.MILLISECONDS);
        return p.future;
    }

    @Override
    public int queueDepth() {
        return queue.size();
    }

    @Override
    public void shutdown() {
        admission.lock();
        try {
            accepting = false;
        } finally {
            admission.unlock();
        }
        draining = true; // after the last possible offer: a loop that sees an empty queue may stop
    }

    @Override
    public boolean awaitTermination(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : loops) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        if (timeouts != null) timeouts.shutdownNow();
        return true;
    }

    private void loop(BatchFunction<P, R> fn) {
        List<Pending<P, R>> batch = new ArrayList<>(options.maxBatch());
        long maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(options.maxWaitMs());
        try {
            while (true) {
                Pending<P, R> first = queue.poll(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (draining && queue.isEmpty()) return;
                    continue;
                }
                batch.clear();
                claimInto(batch, first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < options.maxBatch()) {
                    long left = deadline - System.nanoTime();
                    Pending<P, R> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) break;
                    claimInto(batch, next);
                }
                if (batch.isEmpty()) continue;
                try {
                    run(fn, batch);
                } catch (RuntimeException | Error e) {
                    // whatever escaped (the metrics, say): fail this batch, keep the loop; a no-op for completed futures
                    for (Pending<P, R> p : batch) p.future.completeExceptionally(e);
                }
            }
        } catch (InterruptedException e) {
            // Only the JVM going down interrupts a loop; fail what is left rather than leave it hanging.
            for (Pending<P, R> p : batch) p.future.completeExceptionally(e);
            Thread.currentThread().interrupt();
        }
    }

    /** Adds the request to the batch unless its queue timeout got to it first. */
    private void claimInto(List<Pending<P, R>> batch, Pending<P, R> p) {
        if (!p.claimed.compareAndSet(false, true)) return;
        ScheduledFuture<?> t = p.timeout;
        if (t != null) t.cancel(false);
        batch.add(p);
    }

    private void expire(Pending<P, R> p) {
        if (!p.claimed.compareAndSet(false, true)) return; // its batch started in time
        queue.remove(p);
        p.future.completeExceptionally(SchedulerRejection.queueTimeout(options.queueTimeoutMs()));
    }

    private void run(BatchFunction<P, R> fn, List<Pending<P, R>> batch) {
        long start = System.nanoTime();
        long[] waits = new long[batch.size()];
        List<P> payloads = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            waits[i] = start - batch.get(i).enqueuedNanos;
            payloads.add(batch.get(i).payload);
        }
        metrics.batchStarted(batch.size(), waits);
        List<? extends R> results;
        try {
            results = fn.apply(payloads);
            if (results == null || results.size() != batch.size())
                throw new IllegalStateException("the batch function returned " + (results == null ? "null" : results.size() + " results")
                        + " for " + batch.size() + " requests");
        } catch (Throwable t) {
            // This batch fails, and only this batch: the loop goes on with the next one.
            for (Pending<P, R> p : batch) p.future.completeExceptionally(t);
            return;
        } finally {
            metrics.batchFinished(System.nanoTime() - start);
        }
        for (int i = 0; i < batch.size(); i++) batch.get(i).future.complete(results.get(i));
    }

    private static ScheduledExecutorService newTimeoutExecutor() {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("queue-timeouts").factory());
        ex.setRemoveOnCancelPolicy(true); // cancelled timers of started requests do not pile up
        return ex;
    }
}
