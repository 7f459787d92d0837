package miniserve.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A request between its submission and its answer. Its future is completed once, by whichever comes
 * first: the model thread with the answer or a failure, the deadline timer ({@link Deadlines}), or
 * the HTTP handler cancelling it because the client went away. A model thread that finds the future
 * already done drops the request (from the queue, or from its row at the next step).
 */
final class PendingRequest<P, R> {

    final P payload;
    final long enqueuedNanos;
    final CompletableFuture<R> future = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;
    /** When its last token came out (0 before the first); written and read by one model thread. */
    private long lastTokenNanos;

    PendingRequest(P payload, long enqueuedNanos) {
        this.payload = payload;
        this.enqueuedNanos = enqueuedNanos;
    }

    /** A pass gave this request a token at {@code now}: its time to first token, or its inter-token latency. */
    void tokenAt(long now, ServerMetrics metrics) {
        if (lastTokenNanos == 0) metrics.firstToken(now - enqueuedNanos);
        else metrics.interToken(now - lastTokenNanos);
        lastTokenNanos = now;
    }

    /** Completes the request with its answer (a no-op if it was cancelled or timed out meanwhile). */
    void answer(R result, long now, ServerMetrics metrics) {
        if (future.isDone()) return;
        metrics.requestFinished(now - enqueuedNanos); // before the answer leaves, so that whoever gets it sees it counted
        future.complete(result);
    }
}
