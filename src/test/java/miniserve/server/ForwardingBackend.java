package miniserve.server;

import java.util.List;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;

/** A backend that hands every call to {@link #inner}: a test's wrapper overrides only the one thing it changes. */
interface ForwardingBackend extends ModelBackend {
    ModelBackend inner();

    @Override
    default int maxSentenceTokens() {
        return inner().maxSentenceTokens();
    }

    @Override
    default int maxPieceTokens() {
        return inner().maxPieceTokens();
    }

    @Override
    default int sentenceTokens(String sentence) {
        return inner().sentenceTokens(sentence);
    }

    @Override
    default List<BatchFunction<CorrectionRequest, Object>> batchWorkers() throws Exception {
        return inner().batchWorkers();
    }

    @Override
    default List<RowEngine<CorrectionRequest, Object>> rowEngines() throws Exception {
        return inner().rowEngines();
    }

    @Override
    default Reply reply(String learnerId, Object result) {
        return inner().reply(learnerId, result);
    }

    @Override
    default void close() {
        inner().close();
    }
}
