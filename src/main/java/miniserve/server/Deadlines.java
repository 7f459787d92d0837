package miniserve.server;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The request deadline ({@code --request-timeout-ms}): a request not answered within it gets 503
 * {@code request_timeout}, whether it is still waiting or already being computed. One timer thread
 * answers it at its deadline; the model threads also look at every step ({@link #gone}), drop a
 * request whose future is done from the queue or from its row, and never compute it further.
 */
final class Deadlines implements AutoCloseable {

    private final long timeoutMs;
    private final long timeoutNanos;
    private final ServerMetrics metrics;
    private final ScheduledThreadPoolExecutor timer; // null without a deadline

    /** @param timeoutMs 0 = no deadline */
    Deadlines(long timeoutMs, ServerMetrics metrics) {
        if (timeoutMs < 0) throw new IllegalArgumentException("request timeout must be >= 0 ms (0 = none), got " + timeoutMs);
        this.timeoutMs = timeoutMs;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.metrics = metrics;
        if (timeoutMs == 0) {
            timer = null;
        } else {
            timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("request-deadlines").factory());
            timer.setRemoveOnCancelPolicy(true); // timers of answered requests do not pile up
        }
    }

    long timeoutMs() {
        return timeoutMs;
    }

    /**
     * A new request, its deadline timer set. If it is answered before it leaves the queue (timed out,
     * cancelled, refused), {@code leaveQueue} gets it, so that it holds no place there any more.
     */
    <P, R> PendingRequest<P, R> start(P payload, Consumer<PendingRequest<P, R>> leaveQueue) {
        PendingRequest<P, R> p = new PendingRequest<>(payload, System.nanoTime());
        if (timer != null) {
            try {
                p.timer = timer.schedule(() -> expire(p), timeoutMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed: the queue has drained and stopped taking requests, and refuses this one (503 shutting_down)
            }
        }
        p.future.whenComplete((r, t) -> {
            if (p.timer != null) p.timer.cancel(false);
            if (t != null) leaveQueue.accept(p);
        });
        return p;
    }

    /**
     * Whether the request is no longer wanted, checked by a model thread at every step: its future is
     * done (cancelled, or timed out by the timer), or its deadline has passed (the timer may run late;
     * the request is answered with the timeout now).
     */
    boolean gone(PendingRequest<?, ?> p, long now) {
        if (p.future.isDone()) return true;
        return timer != null && now - p.enqueuedNanos >= timeoutNanos && expire(p);
    }

    private boolean expire(PendingRequest<?, ?> p) {
        if (!p.future.completeExceptionally(SchedulerRejection.timedOut(timeoutMs))) return false;
        metrics.requestTimedOut();
        return true;
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
