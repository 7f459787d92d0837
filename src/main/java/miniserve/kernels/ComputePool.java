package miniserve.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * posting a call is a couple of volatile writes per worker, an idle worker spins for a short
 * while before it parks, so back-to-back calls find it awake, and the bookkeeping of a call
 * is reused from call to call (nothing is allocated but the caller's task).
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
    /** The bookkeeping reused by one call at a time; nested or concurrent calls get their own. */
    private final Job reusableJob;
    private final AtomicBoolean reusableJobFree = new AtomicBoolean(true);
    private volatile boolean closed;

    private ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        this.reusableJob = new Job(threads);
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
        boolean reuse = reusableJobFree.compareAndSet(true, false);
        Job job = reuse ? reusableJob : new Job(parts);
        try {
            job.start(task, n, g, units, parts);
            for (int p = 1; p < parts; p++) workers[p - 1].post(job);
            job.work(0);
            job.awaitAll(workers);
            job.rethrow();
        } finally {
            job.finish();
            if (reuse) reusableJobFree.set(true);
        }
    }

    @Override
    public void close() {
        if (this == SERIAL) return;
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    /**
     * The bookkeeping of one parallelFor call: its chunks, who claimed them, how many are done.
     * A job object is reused call after call. Each home range has one claim word holding
     * (chunks in the range) &lt;&lt; 32 | (chunks handed out), so deciding whether a chunk is left
     * reads nothing but that word: a worker that wakes late, holding the job of a call that has
     * ended, finds every word used up (or, once a new call has started, claims a real chunk of
     * it). The call's fields are read only after a successful claim, when the caller is waiting
     * for that chunk and so cannot be changing them.
     */
    private static final class Job {
        /** Counters are spaced one cache line apart, so threads on different home ranges do not contend. */
        private static final int PAD = 16;

        private final int capacity;         // home ranges this job can hold
        private final AtomicLongArray claimed;     // per home range: chunks << 32 | handed out
        private final AtomicIntegerArray finished; // per home range: chunks done
        private RangeTask task;
        private int n, grain, units, parts;
        private Throwable failure;
        /** Set on the first exception: the chunks not yet started are skipped. */
        private volatile boolean failed;

        Job(int capacity) {
            this.capacity = capacity;
            this.claimed = new AtomicLongArray(capacity * PAD);
            this.finished = new AtomicIntegerArray(capacity * PAD);
        }

        /** Sets the job up for a call; only when no chunk of the previous call is left or running. */
        void start(RangeTask task, int n, int grain, int units, int parts) {
            this.task = task;
            this.n = n;
            this.grain = grain;
            this.units = units;
            this.parts = parts;
            this.failure = null;
            this.failed = false;
            for (int p = 0; p < parts; p++) {
                finished.set(p * PAD, 0);
                claimed.set(p * PAD, (long) chunks(p) << 32); // publishes the fields above
            }
        }

        private int unitStart(int part) {
            int per = units / parts, extra = units % parts;
            return part * per + Math.min(part, extra);
        }

        private int chunks(int part) {
            return Math.min(CHUNKS_PER_THREAD, unitStart(part + 1) - unitStart(part));
        }

        /** Runs the chunks left in home range {@code home}, then those left in the others. */
        void work(int home) {
            for (int i = 0; i < capacity; i++) drain((home + i) % capacity);
        }

        private void drain(int part) {
            while (true) {
                long v = claimed.get(part * PAD);
                int chunk = (int) v, c = (int) (v >>> 32);
                if (chunk >= c) return;
                if (!claimed.compareAndSet(part * PAD, v, v + 1)) continue;
                // Claimed: the caller now waits for this chunk, so the fields stay as they are.
                int u0 = unitStart(part), nu = unitStart(part + 1) - u0;
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
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new RuntimeException(failure); // a checked exception thrown sneakily
        }

        /** Drops the task, so an idle job does not keep the caller's arrays alive. */
        synchronized void finish() {
            task = null;
            failure = null;
        }
    }

    /** A worker thread: waits for a posted job, works on it from its home range, repeats. */
    private static final class Worker extends Thread {
        private final ComputePool pool;
        private final int home;
        /** The last job posted; {@link #posts} counts the posts, as the same job object is posted again and again. */
        private volatile Job job;
        private final AtomicLong posts = new AtomicLong();
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
            posts.incrementAndGet();
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long p = waitForPost(seen);
                if (p < 0) return; // closed
                seen = p;
                job.work(home);
            }
        }

        /** Spins, then parks, until the post count passes {@code seen} (returns it); -1 once the pool is closed. */
        private long waitForPost(long seen) {
            long spinStart = System.nanoTime();
            int spins = 0;
            while (true) {
                long p = posts.get();
                if (p != seen) return p;
                if (pool.closed) return -1;
                if (++spins < 256 || System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // Announce the park, then re-check: post() counts before it reads parked,
                // so either we see the new post here or the poster sees parked and unparks us.
                parked = true;
                if (posts.get() == seen && !pool.closed) LockSupport.park(this);
                parked = false;
                spins = 0;
                spinStart = System.nanoTime();
            }
        }
    }
}
