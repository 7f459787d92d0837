package miniserve.server;

import miniserve.model.Step;
import miniserve.model.StepHook;
import miniserve.serving.ServeFlags.ModelThread;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Static request batching: callers {@link #submit} one payload each and get a future; a loop
 * blocks for the first waiting request, keeps taking until it holds {@code maxBatch} requests
 * or {@code maxWaitMs} have passed since it took the first (requests already waiting are taken
 * without waiting), runs the batch function once over the whole batch, and completes each
 * future with its own row of the result. One batch at a time per loop.
 *
 * <p>While a batch runs, its requests are checked at every forward pass (the batch function's
 * {@link StepHook}): a request whose client went away or whose deadline passed is answered at once
 * and its row counts as ended; a batch none of whose requests is still wanted stops.
 *
 * <p>The unbatched baseline is not this class at {@code maxBatch = 1} but {@link UnbatchedExecutor},
 * a plain executor: the lab compares the two to show what this loop costs when it batches nothing.
 * {@link ContinuousBatchScheduler} is the other batching: rows join and leave at every pass.
 *
 * <p>Each loop, and so each batch, runs on a dedicated platform thread (see {@link BatchingQueue#startLoop}).
 */
public final class StaticBatchScheduler<P, R> extends BatchingQueue<P, R> {

    /** Runs the model once over a batch, reporting each pass to {@code hook} (row b is payload b); one result per payload, in order. */
    @FunctionalInterface
    public interface BatchFunction<P, R> {
        List<? extends R> apply(List<P> payloads, StepHook hook) throws Exception;
    }

    /**
     * @param requestTimeoutMs a request not answered within this gets 503; 0 = no limit
     */
    public record Options(int maxBatch, long maxWaitMs, int maxQueue, long requestTimeoutMs, ModelThread modelThread) {
        public Options {
            if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
            if (maxWaitMs < 0) throw new IllegalArgumentException("max wait must be >= 0 ms, got " + maxWaitMs);
            if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
            if (requestTimeoutMs < 0) throw new IllegalArgumentException("request timeout must be >= 0 ms (0 = none), got " + requestTimeoutMs);
            if (modelThread == null) throw new IllegalArgumentException("model thread kind is required");
        }
    }


    private final Options options;

    /** One batching loop per batch function (each function is used by its loop only). */
    public StaticBatchScheduler(Options options, List<? extends BatchFunction<P, R>> workers, ServerMetrics metrics) {
        super(options.maxQueue(), options.requestTimeoutMs(), metrics);
        if (workers.isEmpty()) throw new IllegalArgumentException("at least one batch function is needed");
        this.options = options;
        for (int i = 0; i < workers.size(); i++) {
            BatchFunction<P, R> fn = workers.get(i);
            int index = i;
            startLoop(options.modelThread(), i, () -> loop(index, fn));
        }
    }

    public Options options() {
        return options;
    }

    private void loop(int index, BatchFunction<P, R> fn) {
        List<PendingRequest<P, R>> batch = new ArrayList<>(options.maxBatch());
        long maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(options.maxWaitMs());
        try {
            while (true) {
                PendingRequest<P, R> first = waiting.poll(IDLE_CHECK_NANOS);
                if (first == null) {
                    if (waiting.drained()) return;
                    continue;
                }
                batch.clear();
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < options.maxBatch()) {
                    PendingRequest<P, R> next = waiting.poll(deadline - System.nanoTime());
                    if (next == null) break;
                    batch.add(next);
                }
                try {
                    run(index, fn, batch);
                } catch (RuntimeException | Error e) {
                    // whatever escaped (the metrics, say): fail this batch, keep the loop; a no-op for completed futures
                    for (PendingRequest<P, R> p : batch) p.future.completeExceptionally(e);
                }
            }
        } catch (InterruptedException e) {
            // Only the JVM going down interrupts a loop; fail what is left rather than leave it hanging.
            for (PendingRequest<P, R> p : batch) p.future.completeExceptionally(e);
            Thread.currentThread().interrupt();
        }
    }

    private void run(int index, BatchFunction<P, R> fn, List<PendingRequest<P, R>> batch) {
        long start = System.nanoTime();
        List<P> payloads = new ArrayList<>(batch.size());
        for (PendingRequest<P, R> p : batch) {
            metrics.queueTime(start - p.enqueuedNanos);
            payloads.add(p.payload);
        }
        metrics.running(batch.size());
        List<? extends R> results;
        try {
            results = fn.apply(payloads, hook(index, batch));
            if (results == null || results.size() != batch.size())
                throw new IllegalStateException("the batch function returned " + (results == null ? "null" : results.size() + " results")
                        + " for " + batch.size() + " requests");
        } catch (Throwable t) {
            // This batch fails, and only this batch: the loop goes on with the next one.
            for (PendingRequest<P, R> p : batch) p.future.completeExceptionally(t);
            return;
        } finally {
            metrics.running(-batch.size());
            metrics.batch(batch.size(), System.nanoTime() - start);
        }
        long now = System.nanoTime();
        for (int i = 0; i < batch.size(); i++) batch.get(i).answer(results.get(i), now, metrics);
    }

    /** The batch's checks at every pass: which rows are still wanted, and what each pass computed. */
    private StepHook hook(int index, List<PendingRequest<P, R>> batch) {
        return new StepHook() {
            @Override
            public boolean wanted(int row) {
                return !deadlines.gone(batch.get(row), System.nanoTime());
            }

            @Override
            public void stepDone(Step step) {
                metrics.step(index, step);
                for (int row = 0; row < batch.size(); row++) {
                    byte kind = step.kinds()[row];
                    if (kind == Step.PREFILL || kind == Step.DECODE) batch.get(row).tokenAt(step.endNanos(), metrics);
                }
            }
        };
    }
}
