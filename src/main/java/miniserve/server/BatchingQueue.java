package miniserve.server;

import miniserve.serving.ServeFlags.ModelThread;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the two batching schedulers share: the bounded waiting queue with its request deadlines, and
 * the model threads that take from it (one loop each, started by the scheduler).
 */
abstract class BatchingQueue<P, R> implements RequestQueue<P, R> {

    /** How long an idle loop waits for a request before it looks whether it has been asked to stop. */
    static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final ServerMetrics metrics;
    final Deadlines deadlines;
    final WaitingQueue<P, R> waiting;
    private final List<Thread> loops = new ArrayList<>();

    BatchingQueue(int maxQueue, long requestTimeoutMs, ServerMetrics metrics) {
        this.metrics = metrics;
        this.deadlines = new Deadlines(requestTimeoutMs, metrics);
        this.waiting = new WaitingQueue<>(maxQueue, deadlines);
        metrics.waitingFrom(waiting::size);
    }

    /**
     * Starts loop {@code index} on a thread of the given kind ({@code model-0}, ... or {@code model-virtual-0}, ...).
     * The right kind is a platform thread: a forward pass computes without blocking, and on a virtual
     * thread it would hold one of the few carrier threads the HTTP handlers share.
     */
    final void startLoop(ModelThread kind, int index, Runnable loop) {
        Thread.Builder builder = kind == ModelThread.PLATFORM
                ? Thread.ofPlatform().daemon().name("model-" + index)
                : Thread.ofVirtual().name("model-virtual-" + index);
        loops.add(builder.start(loop));
    }

    @Override
    public final CompletableFuture<R> submit(P payload) {
        return waiting.submit(payload);
    }

    /** All or none, at once: a text either fits in the queue whole or is refused whole, and takes no room then. */
    @Override
    public final List<CompletableFuture<R>> submitAll(List<P> payloads) {
        return waiting.submitAll(payloads);
    }

    @Override
    public final int queueDepth() {
        return waiting.size();
    }

    @Override
    public final void shutdown() {
        waiting.shutdown();
    }

    @Override
    public final boolean awaitTermination(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : loops) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        deadlines.close();
        return true;
    }
}
