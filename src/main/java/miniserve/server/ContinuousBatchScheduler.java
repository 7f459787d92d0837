package miniserve.server;

import miniserve.model.Step;
import miniserve.serving.ServeFlags.ModelThread;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching (Orca's iteration-level scheduling, as vLLM and TGI serve): each model thread
 * keeps a running batch of rows, and requests join and leave it at every forward pass instead of
 * waiting for a whole batch. One iteration of a loop:
 * <ol>
 *   <li><b>Retire</b> the rows that are done: answer complete (end token, or the request's own token
 *       limit), client gone, or deadline passed. Each is answered at once and its row is free.</li>
 *   <li><b>Admit</b> waiting requests into the free rows, first come first served, as long as their
 *       prompts fit the pass's prefill budget ({@code prefillTokens}; the first one always fits). The
 *       running rows decode in the same pass whatever the budget, so a burst of long prompts cannot
 *       stall them (TGI's {@code max_batch_prefill_tokens}, vLLM's {@code max_num_batched_tokens}).</li>
 *   <li><b>One pass</b>: the admitted prompts are prefilled and every running row decodes one token.</li>
 * </ol>
 * The loop is the only one touching its rows; handlers only submit and wait on their futures, and a
 * future done before its request's answer (timed out, cancelled) is how they ask for it to be dropped.
 */
public final class ContinuousBatchScheduler<P, R> extends BatchingQueue<P, R> {

    /**
     * A running batch of rows for one loop (the tutor's is {@code ContinuousTutor}). Used by its loop only.
     * A failure of {@link #start} or {@link #finish} fails that request only; a failure of {@link #step}
     * fails the requests of the rows it ran.
     */
    public interface RowEngine<P, R> {
        int rows();

        /** What the request's prefill costs, in tokens. */
        int promptTokens(P payload);

        /** Puts the request into free row {@code row}; the next pass prefills it. */
        void start(int row, P payload) throws Exception;

        /** One forward pass over the rows with work; null when no row had any. */
        Step step() throws Exception;

        /** Whether the row's answer is complete. */
        boolean complete(int row);

        /** The row's answer; frees the row. */
        R finish(int row) throws Exception;

        /** Frees the row without an answer. */
        void free(int row);
    }

    /**
     * @param prefillTokens    most prompt tokens prefilled in one pass (a longer prompt runs alone)
     * @param requestTimeoutMs a request not answered within this gets 503; 0 = no limit
     */
    public record Options(int prefillTokens, int maxQueue, long requestTimeoutMs, ModelThread modelThread) {
        public Options {
            if (prefillTokens < 1) throw new IllegalArgumentException("prefill tokens must be >= 1, got " + prefillTokens);
            if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
            if (requestTimeoutMs < 0) throw new IllegalArgumentException("request timeout must be >= 0 ms (0 = none), got " + requestTimeoutMs);
            if (modelThread == null) throw new IllegalArgumentException("model thread kind is required");
        }
    }


    private final Options options;

    /** One loop per engine (each engine is used by its loop only). */
    public ContinuousBatchScheduler(Options options, List<? extends RowEngine<P, R>> engines, ServerMetrics metrics) {
        super(options.maxQueue(), options.requestTimeoutMs(), metrics);
        if (engines.isEmpty()) throw new IllegalArgumentException("at least one row engine is needed");
        this.options = options;
        for (int i = 0; i < engines.size(); i++) {
            RowEngine<P, R> engine = engines.get(i);
            int index = i;
            startLoop(options.modelThread(), i, () -> new Loop(index, engine).run());
        }
    }

    public Options options() {
        return options;
    }

    /** One model thread's loop and its rows. */
    private final class Loop {
        private final int index;
        private final RowEngine<P, R> engine;
        private final List<PendingRequest<P, R>> rows = new ArrayList<>(); // the request in each row, or null
        private PendingRequest<P, R> held; // taken from the queue, waiting for a pass with room for its prompt

        Loop(int index, RowEngine<P, R> engine) {
            this.index = index;
            this.engine = engine;
            for (int i = 0; i < engine.rows(); i++) rows.add(null);
        }

        void run() {
            try {
                while (true) {
                    try {
                        retire();
                        admit();
                        if (occupied() == 0) {
                            if (held == null && waiting.drained()) return;
                            continue;
                        }
                        pass();
                    } catch (RuntimeException | Error e) {
                        failRows(e); // something outside the engine broke (the metrics, say): fail the rows, keep the loop
                    }
                }
            } catch (InterruptedException e) {
                // Only the JVM going down interrupts a loop; fail what is left rather than leave it hanging.
                for (PendingRequest<P, R> p : rows) if (p != null) p.future.completeExceptionally(e);
                if (held != null) held.future.completeExceptionally(e);
                Thread.currentThread().interrupt();
            }
        }

        /** Step 1: answers and frees the rows whose answer is complete, and frees those no longer wanted. */
        private void retire() {
            long now = System.nanoTime();
            for (int row = 0; row < rows.size(); row++) {
                PendingRequest<P, R> p = rows.get(row);
                if (p == null) continue;
                boolean gone = deadlines.gone(p, now);
                if (!gone && !engine.complete(row)) continue;
                rows.set(row, null);
                metrics.running(-1);
                if (gone) {
                    engine.free(row); // cancelled or timed out: already answered and counted
                    continue;
                }
                try {
                    p.answer(engine.finish(row), System.nanoTime(), metrics);
                } catch (Throwable t) {
                    p.future.completeExceptionally(t); // this request fails, and only this one
                    engine.free(row);
                }
            }
        }

        /**
         * Step 2: fills free rows with waiting requests, oldest first, while their prompts fit the pass's
         * prefill budget. An idle loop waits a little for the first one.
         */
        private void admit() throws InterruptedException {
            int budget = options.prefillTokens(), admitted = 0;
            for (int row = 0; row < rows.size(); row++) {
                if (rows.get(row) != null) continue;
                PendingRequest<P, R> p = held != null ? held
                        : occupied() == 0 ? waiting.poll(IDLE_CHECK_NANOS) : waiting.poll();
                held = null;
                if (p == null) break;
                if (deadlines.gone(p, System.nanoTime())) {
                    row--; // the row is still free
                    continue;
                }
                int tokens;
                try {
                    tokens = engine.promptTokens(p.payload);
                    if (tokens > budget && admitted > 0) {
                        held = p; // first in line for the next pass
                        break;
                    }
                    engine.start(row, p.payload);
                } catch (Throwable t) {
                    p.future.completeExceptionally(t); // this request fails, and only this one
                    row--;
                    continue;
                }
                metrics.queueTime(System.nanoTime() - p.enqueuedNanos);
                metrics.running(1);
                rows.set(row, p);
                budget -= tokens;
                admitted++;
            }
        }

        /** Step 3: one forward pass; each row it ran gets its next token. */
        private void pass() {
            Step step;
            try {
                step = engine.step();
            } catch (Throwable t) {
                failRows(t);
                return;
            }
            if (step == null) return; // every row is complete: the next retire answers them
            metrics.step(index, step);
            metrics.batch(step.usefulRows(), step.endNanos() - step.startNanos());
            for (int row = 0; row < rows.size(); row++) {
                byte kind = step.kinds()[row];
                if (rows.get(row) != null && (kind == Step.PREFILL || kind == Step.DECODE)) rows.get(row).tokenAt(step.endNanos(), metrics);
            }
        }

        private void failRows(Throwable t) {
            for (int row = 0; row < rows.size(); row++) {
                PendingRequest<P, R> p = rows.get(row);
                if (p == null) continue;
                p.future.completeExceptionally(t);
                engine.free(row);
                rows.set(row, null);
                metrics.running(-1);
            }
        }

        private int occupied() {
            int n = 0;
            for (PendingRequest<P, R> p : rows) if (p != null) n++;
            return n;
        }
    }
}
