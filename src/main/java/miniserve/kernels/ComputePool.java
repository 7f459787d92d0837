package miniserve.kernels;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of platform threads that split one kernel call's work by ranges.
 *
 * <p>The calling thread takes part in the work, so a pool of one thread runs everything
 * inline ({@link #serial()}). Workers are platform threads: a CPU-bound loop on a virtual
 * thread would hold one of the few carrier threads that the HTTP handlers need.
 *
 * <p>How a call is split: [0, n) is cut into one home range per thread, and each home
 * range into a few chunks. Every thread runs the chunks of its own home range first (so
 * the same thread sees the same columns of a weight matrix call after call, and finds
 * them in its cache), then takes the chunks other threads have not started yet. On a
 * busy machine a descheduled worker therefore delays a call by at most the chunk it is
 * running, instead of leaving the caller waiting for its whole share.
 *
 * <p>A decode step issues about a hundred kernel calls, so the hand-off has to be cheap:
 * posting a call is one volatile write per worker, and an idle worker spins for a short
 * while before it parks, so back-to-back calls find it awake.
 */
public final class ComputePool implements AutoCloseable {

    /** A piece of work over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /** Chunks per home range: how finely a late thread's share can be taken over by the others. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** How long an idle worker spins before parking (a decode step's kernels follow each other within microseconds). */
    private static final long SPIN_NANOS = 50_000L;
    /** How many spins the caller waits for a running chunk before it starts yielding its core. */
    private static final int CALLER_SPINS = 1 << 12;

    private static final ComputePool SERIAL = new ComputePool(1);

    private final int threads;
    private final Worker[] workers;
    private volatile boolean closed;

    private ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
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
     * Runs {@code task} over contiguous ranges that together cover [0, n) exactly once, in
     * parallel on the pool's threads, and returns when all are done. Every range starts at a
     * multiple of {@code grain} and is a multiple of it long, but the last. Ranges may run in
     * any order and a thread may run several; the task must only touch state of its range.
     *
     * <p>If a range throws, the first exception is rethrown here after every started range
     * has finished (the others attached as suppressed); the pool stays usable. Calls may be
     * nested (a task may call parallelFor) or come from several threads at once: each call
     * completes on its own, its caller running whatever no worker picked up.
     *
     * @throws IllegalStateException if the pool is closed
     */
    public void parallelFor(int n, int grain, RangeTask task) {
        if (closed) throw new IllegalStateException("ComputePool is closed");
        if (n <= 0) return;
        int g = Math.max(1, grain);
        int units = (int) Math.min(Integer.MAX_VALUE, ((long) n + g - 1) / g);
        int parts = Math.min(threads, units);
        if (parts == 1) {
            task.run(0, n);
            return;
        }
        Job job = new Job(task, n, g, units, parts);
        for (int p = 1; p < parts; p++) workers[p - 1].post(job);
        job.work(0);
        job.awaitAll(workers);
        job.rethrow();
    }

    @Override
    public void close() {
        if (this == SERIAL) return;
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    /** One parallelFor call: its chunks, who claimed them, and how many are finished. */
    private static final class Job {
        /** Counters are spaced one cache line apart, so threads on different home ranges do not contend. */
        private static final int PAD = 16;

        /** Cleared when the call returns, so a worker holding a finished job does not keep its arrays alive. */
        private RangeTask task;
        final int n, grain, units, parts;
        final AtomicIntegerArray claimed; // per home range: chunks handed out
        final AtomicIntegerArray finished; // per home range: chunks done
        private Throwable failure;
        /** Set on the first exception: the chunks not yet started are skipped. */
        private volatile boolean failed;

        Job(RangeTask task, int n, int grain, int units, int parts) {
            this.task = task;
            this.n = n;
            this.grain = grain;
            this.units = units;
            this.parts = parts;
            this.claimed = new AtomicIntegerArray(parts * PAD);
            this.finished = new AtomicIntegerArray(parts * PAD);
        }

        private int unitStart(int part) {
            int per = units / parts, extra = units % parts;
            return part * per + Math.min(part, extra);
        }

        private int chunks(int part) {
            return Math.min(CHUNKS_PER_THREAD, unitStart(part + 1) - unitStart(part));
        }

        /** Runs the chunks of home range {@code home}, then any left in the others. */
        void work(int home) {
            for (int i = 0; i < parts; i++) drain((home + i) % parts);
        }

        private void drain(int part) {
            int u0 = unitStart(part), nu = unitStart(part + 1) - u0, c = chunks(part);
            int chunk;
            while ((chunk = claimed.getAndIncrement(part * PAD)) < c) {
                long from = (long) (u0 + (int) ((long) chunk * nu / c)) * grain;
                long to = Math.min(n, (long) (u0 + (int) ((long) (chunk + 1) * nu / c)) * grain);
                try {
                    if (!failed) task.run((int) from, (int) to);
                } catch (Throwable t) {
                    fail(t);
                } finally {
                    finished.incrementAndGet(part * PAD);
                }
            }
        }

        private synchronized void fail(Throwable t) {
            failed = true;
            if (failure == null) failure = t;
            else if (failure != t) failure.addSuppressed(t);
        }

        /** Waits until every chunk is finished (they are all claimed once the caller's work() returns). */
        void awaitAll(Worker[] workers) {
            for (int p = 0; p < parts; p++) {
                int c = chunks(p);
                for (int spins = 0; finished.get(p * PAD) < c; spins++) {
                    if (spins < CALLER_SPINS) {
                        Thread.onSpinWait();
                    } else if (p > 0 && !workers[p - 1].isAlive()) {
                        // Only a pool closed in the middle of this call can get here.
                        fail(new IllegalStateException("ComputePool was closed while a parallelFor was running"));
                        return;
                    } else {
                        Thread.yield();
                    }
                }
            }
        }

        synchronized void rethrow() {
            task = null;
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new RuntimeException(failure); // a checked exception thrown sneakily
        }
    }

    /** A worker thread: waits for a posted job, works on it from its home range, repeats. */
    private static final class Worker extends Thread {
        private final ComputePool pool;
        private final int home;
        private volatile Job job;
        /** True while the worker is (about to be) parked, so a poster knows to unpark it. */
        private volatile boolean parked;

        Worker(ComputePool pool, int home) {
            super("compute-" + home);
            this.pool = pool;
            this.home = home;
            setDaemon(true);
        }

        void post(Job j) {
            job = j;
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            Job seen = null;
            while (true) {
                Job j = waitForJob(seen);
                if (j == null) return; // closed
                seen = j;
                j.work(home);
            }
        }

        /** Spins, then parks, until a job other than {@code seen} is posted; null once the pool is closed. */
        private Job waitForJob(Job seen) {
            long spinStart = System.nanoTime();
            int spins = 0;
            while (true) {
                Job j = job;
                if (j != seen) return j;
                if (pool.closed) return null;
                if (++spins < 256 || System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // Announce the park, then re-check: post() writes job before it reads parked,
                // so either we see the new job here or the poster sees parked and unparks us.
                parked = true;
                if (job == seen && !pool.closed) LockSupport.park(this);
                parked = false;
                spins = 0;
                spinStart = System.nanoTime();
            }
        }
    }
}
