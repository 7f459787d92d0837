package miniserve.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Queues several payloads together (the sentences of one text), all or none: either every one is queued
     * and its future returned, in order, or none is (those queued before the refusal are cancelled: dropped
     * from the queue, or from their row, unrun) and the refusal is thrown. This default queues them one by
     * one and withdraws them when one is refused.
     *
     * @throws SchedulerRejection the queue is full or shutting down
     */
    default List<CompletableFuture<R>> submitAll(List<P> payloads) {
        List<CompletableFuture<R>> futures = new ArrayList<>(payloads.size());
        for (P p : payloads) {
            CompletableFuture<R> f = submit(p);
            SchedulerRejection refused = SchedulerRejection.refusal(f);
            if (refused != null) {
                for (CompletableFuture<R> queued : futures) queued.cancel(false);
                throw refused;
            }
            futures.add(f);
        }
        return futures;
    }

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
