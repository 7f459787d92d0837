package miniserve.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue of the batching schedulers: requests wait here, first come first served, until a
 * model thread takes them. A full queue refuses at once (503 {@code queue_full}); so does a queue that
 * is shutting down. Requests that are done before they are taken (timed out, cancelled) are skipped.
 */
final class WaitingQueue<P, R> {

    private final int maxQueue;
    private final Deadlines deadlines;
    private final LinkedBlockingQueue<PendingRequest<P, R>> queue;
    private final ReentrantLock admission = new ReentrantLock();
    private boolean accepting = true; // guarded by admission
    private volatile boolean draining;

    WaitingQueue(int maxQueue, Deadlines deadlines) {
        if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
        this.maxQueue = maxQueue;
        this.deadlines = deadlines;
        this.queue = new LinkedBlockingQueue<>(maxQueue);
    }

    CompletableFuture<R> submit(P payload) {
        PendingRequest<P, R> p = deadlines.start(payload, queue::remove);
        admission.lock();
        try {
            if (!accepting) p.future.completeExceptionally(SchedulerRejection.shuttingDown());
            else if (!queue.offer(p)) p.future.completeExceptionally(SchedulerRejection.queueFull(maxQueue));
        } finally {
            admission.unlock();
        }
        return p.future;
    }

    /**
     * Queues the payloads together, all or none: when the queue has no room for all of them (or is
     * shutting down), nothing is queued and the refusal is thrown.
     */
    List<CompletableFuture<R>> submitAll(List<P> payloads) {
        List<PendingRequest<P, R>> pending = new ArrayList<>(payloads.size());
        for (P payload : payloads) pending.add(deadlines.start(payload, queue::remove));
        SchedulerRejection refused = null;
        admission.lock();
        try {
            // Only submissions add to the queue, and they hold this lock: the room seen here stays.
            if (!accepting) refused = SchedulerRejection.shuttingDown();
            else if (queue.remainingCapacity() < pending.size()) refused = SchedulerRejection.queueFull(maxQueue);
            else for (PendingRequest<P, R> p : pending) queue.add(p);
        } finally {
            admission.unlock();
        }
        List<CompletableFuture<R>> futures = new ArrayList<>(pending.size());
        for (PendingRequest<P, R> p : pending) {
            if (refused != null) p.future.completeExceptionally(refused); // stops its deadline timer
            futures.add(p.future);
        }
        if (refused != null) throw refused;
        return futures;
    }

    /** The oldest request still wanted, waiting up to {@code timeoutNanos} for one; null if none came. */
    PendingRequest<P, R> poll(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long left = deadline - System.nanoTime();
            PendingRequest<P, R> p = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (p == null || !deadlines.gone(p, System.nanoTime())) return p;
        }
    }

    /** The oldest request still wanted, or null at once. */
    PendingRequest<P, R> poll() {
        PendingRequest<P, R> p;
        do p = queue.poll(); while (p != null && deadlines.gone(p, System.nanoTime()));
        return p;
    }

    int size() {
        return queue.size();
    }

    /** Refuses new requests from now on; those already waiting are still taken. */
    void shutdown() {
        admission.lock();
        try {
            accepting = false;
        } finally {
            admission.unlock();
        }
        draining = true; // after the last possible offer: a loop that sees an empty queue may stop
    }

    /** Whether the queue is shutting down and empty: a loop with nothing running may stop. */
    boolean drained() {
        return draining && queue.isEmpty();
    }
}
