package miniserve.server;

import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.util.List;

/**
 * What the server runs requests on: built once (weights loaded), it answers how long a sentence is in
 * tokens and provides the model workers its flags ask for, one per model thread: batch
 * functions for static batching and the unbatched baseline, row engines for continuous batching. Each
 * worker is used by one thread only, has already run once (a warm-up, not counted in the metrics), and
 * reports each forward pass to its caller. The server serialises each result to JSON as it is.
 */
public interface ModelBackend extends AutoCloseable {

    /** The longest sentence, in tokens, the model accepts (longer ones get 413). */
    int maxSentenceTokens();

    /**
     * The longest piece of a text, in tokens, sent to the model as one row; a sentence of a text that is
     * longer is cut at its clauses ({@link TextRows}). Default: {@link #maxSentenceTokens}.
     */
    default int maxPieceTokens() {
        return maxSentenceTokens();
    }

    /**
     * The sentence's length in tokens. Runs on the request's (virtual) thread before the request
     * is queued, so it must be cheap (tokenizing a sentence of at most 64 KiB is).
     */
    int sentenceTokens(String sentence);

    /** Static batching and the unbatched baseline: one batch function per model thread. Called once. */
    List<BatchFunction<CorrectionRequest, Object>> batchWorkers() throws Exception;

    /** Continuous batching: one running batch per model thread. Called once. */
    List<RowEngine<CorrectionRequest, Object>> rowEngines() throws Exception;

    /**
     * The reply to a request of {@code learnerId} (null: none) once its answer is ready (a sentence's model
     * result, or a text's answer put together from its sentences'), on the request's (virtual) thread, before
     * anything is sent: where a learner's history is recorded and read. Default: the answer as it is.
     */
    default Reply reply(String learnerId, Object result) {
        return Reply.of(result);
    }

    @Override
    default void close() {}
}
