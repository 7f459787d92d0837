package miniserve.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of platform threads that split one kernel call's work by ranges.
 *
 * <p>The calling thread takes the first range itself, so a pool of one thread runs
 * everything inline ({@link #serial()}). Workers are platform threads: a CPU-bound
 * loop on a virtual thread would hold one of the few carrier threads that the HTTP
 * handlers need.
 */
public final class ComputePool implements AutoCloseable {

    /** A piece of work over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final ComputePool SERIAL = new ComputePool(1);

    private final int threads;
    private final Thread[] workers;
    // One slot per worker: the task to run and its range, published by a volatile write.
    private final RangeTask[] tasks;
    private final int[] from;
    private final int[] to;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile int generation;
    private volatile boolean closed;

    private ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.tasks = new RangeTask[threads];
        this.from = new int[threads];
        this.to = new int[threads];
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int slot = i + 1;
            Thread t = Thread.ofPlatform().daemon().name("compute-" + slot).unstarted(() -> workerLoop(slot));
            workers[i] = t;
            t.start();
        }
    }

    /** A pool of {@code threads} platform threads (the caller counts as one of them). */
    public static ComputePool create(int threads) {
        return threads == 1 ? SERIAL : new ComputePool(threads);
    }

    /** Runs every task inline on the calling thread. */
    public static ComputePool serial() {
        return SERIAL;
    }

    public int threads() {
        return threads;
    }

    /**
     * Splits [0, n) into at most {@link #threads()} contiguous ranges, each a multiple of
     * {@code grain} long (but the last), runs them in parallel and returns when all are done.
     * Not reentrant: one call at a time per pool.
     */
    public void parallelFor(int n, int grain, RangeTask task) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        int units = (n + g - 1) / g;
        int parts = Math.min(threads, units);
        if (parts == 1) {
            task.run(0, n);
            return;
        }
        int perPart = units / parts, extra = units % parts;
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int len = (perPart + (p < extra ? 1 : 0)) * g;
            from[p] = start;
            to[p] = Math.min(n, start + len);
            tasks[p] = task;
            start = to[p];
        }
        for (int p = parts; p < threads; p++) tasks[p] = null;
        pending.set(parts - 1);
        caller = Thread.currentThread();
        generation++; // publishes the slots
        for (Thread w : workers) LockSupport.unpark(w);
        task.run(from[0], to[0]);
        while (pending.get() > 0) {
            Thread.onSpinWait();
        }
    }

    private void workerLoop(int slot) {
        int seen = 0;
        while (!closed) {
            int gen = generation;
            if (gen == seen) {
                // Spin briefly (a decode step issues many small kernels), then park.
                for (int spin = 0; spin < 20_000 && generation == seen && !closed; spin++) Thread.onSpinWait();
                if (generation == seen && !closed) LockSupport.parkNanos(this, 1_000_000L);
                continue;
            }
            seen = gen;
            RangeTask t = tasks[slot];
            if (t != null) {
                try {
                    t.run(from[slot], to[slot]);
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() {
        if (this == SERIAL) return;
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
