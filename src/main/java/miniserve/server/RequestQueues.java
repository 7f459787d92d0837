package miniserve.server;

import miniserve.serving.ServeFlags;

/** The one place that picks the executor the server runs requests on, from its flags. */
public final class RequestQueues {

    private RequestQueues() {}

    /**
     * The unbatched baseline's executor, the static batching scheduler or the continuous batching
     * scheduler, over the backend's workers of the matching kind.
     */
    public static RequestQueue<CorrectionRequest, Object> start(ServeFlags flags, ModelBackend backend, ServerMetrics metrics)
            throws Exception {
        if (flags.mode() == ServeFlags.Mode.UNBATCHED)
            return new UnbatchedExecutor<>(flags.maxQueue(), flags.requestTimeoutMs(), backend.batchWorkers(), metrics);
        if (flags.continuous())
            return new ContinuousBatchScheduler<>(new ContinuousBatchScheduler.Options(flags.prefillTokens(), flags.maxQueue(),
                    flags.requestTimeoutMs(), flags.modelThread()), backend.rowEngines(), metrics);
        return new StaticBatchScheduler<>(new StaticBatchScheduler.Options(flags.maxBatch(), flags.maxWaitMs(), flags.maxQueue(),
                flags.requestTimeoutMs(), flags.modelThread()), backend.batchWorkers(), metrics);
    }
}
