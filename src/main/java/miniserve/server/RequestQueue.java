package miniserve.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where the HTTP handlers leave requests for the model threads: {@link StaticBatchScheduler}
 * (batched) or {@link UnbatchedExecutor} (the baseline). Both bound their queue, answer a full
 * queue at once, drain on shutdown and report to the same metrics.
 */
public interface RequestQueue<P, R> extends AutoCloseable {

    /**
     * Queues a payload. The future completes with its result, or exceptionally with the model's
     * exception, or with a {@link SchedulerRejection} (queue full: at once).
     */
    CompletableFuture<R> submit(P payload);

    /** Requests waiting, not counting those being computed. */
    int queueDepth();

    /** Stops taking new requests; what is queued or running still runs. Returns at once. */
    void shutdown();

    /** Waits until the queued work has finished and the model threads have stopped; true if they did in time. */
    boolean awaitTermination(Duration limit) throws InterruptedException;

    /** {@link #shutdown} and wait for the queued work to finish. */
    @Override
    default void close() {
        shutdown();
        try {
            awaitTermination(Duration.ofDays(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
