package miniserve.server;

import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.util.List;

/**
 * What the server runs requests on: built once (weights loaded), it answers how long a sentence
 * is in tokens and provides one batch function per model thread. The server serialises each
 * result to JSON as it is.
 */
public interface ModelBackend extends AutoCloseable {

    /** The longest sentence, in tokens, the model accepts (longer ones get 413). */
    int maxSentenceTokens();

    /**
     * The sentence's length in tokens. Runs on the request's (virtual) thread before the request
     * is queued, so it must be cheap (tokenizing a sentence of at most 64 KiB is).
     */
    int sentenceTokens(String sentence);

    /**
     * The model workers, one per model thread; each is used by one thread only. Called once.
     * Each worker has already run once (a warm-up, not counted in the metrics), so the server
     * can report ready as soon as this returns. Workers record their work in {@code metrics}.
     */
    List<BatchFunction<CorrectionRequest, Object>> workers(ServerMetrics metrics) throws Exception;

    /** Whether the workers take batches from a {@link StaticBatchScheduler}, or single requests from an {@link UnbatchedExecutor}. */
    default boolean batched() {
        return true;
    }

    @Override
    default void close() {}
}
