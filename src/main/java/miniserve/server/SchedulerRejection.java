package miniserve.server;

import java.util.concurrent.CompletableFuture;

/**
 * A request the scheduler did not run. The HTTP layer answers every reason with 503 and a
 * {@code Retry-After} header: the request was fine, the server was too busy or going away.
 */
public final class SchedulerRejection extends RuntimeException {

    public enum Reason {
        /** The waiting queue already held {@code max_queue} requests. */
        QUEUE_FULL,
        /** The request was not answered within {@code request_timeout_ms} (waiting, or being computed). */
        TIMED_OUT,
        /** The server is draining for shutdown and takes no new work. */
        SHUTTING_DOWN
    }

    private final Reason reason;

    public SchedulerRejection(Reason reason, String message) {
        super(message, null, false, false); // expected under load: no stack trace to fill
        this.reason = reason;
    }

    /** The server is draining and takes no new work. */
    static SchedulerRejection shuttingDown() {
        return new SchedulerRejection(Reason.SHUTTING_DOWN, "the server is shutting down");
    }

    /** The waiting queue already holds {@code maxQueue} requests. */
    static SchedulerRejection queueFull(int maxQueue) {
        return new SchedulerRejection(Reason.QUEUE_FULL, "the queue is full (" + maxQueue + " requests waiting)");
    }

    /** The request was not answered within {@code timeoutMs}. */
    static SchedulerRejection timedOut(long timeoutMs) {
        return new SchedulerRejection(Reason.TIMED_OUT, "the request was not answered within its " + timeoutMs + " ms");
    }

    /**
     * The refusal a future of {@link RequestQueue#submit} was failed with at once (queue full, shutting
     * down), or null: not done, answered, failed otherwise, or timed out (which comes later, never at once).
     */
    static SchedulerRejection refusal(CompletableFuture<?> f) {
        if (!f.isCompletedExceptionally() || f.isCancelled()) return null;
        return f.exceptionNow() instanceof SchedulerRejection r && r.reason() != Reason.TIMED_OUT ? r : null;
    }

    public Reason reason() {
        return reason;
    }
}
