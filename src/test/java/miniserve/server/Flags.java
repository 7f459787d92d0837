package miniserve.server;

import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Mode;
import miniserve.serving.ServeFlags.ModelThread;
import miniserve.serving.ServeFlags.Scheduler;
import miniserve.serving.ServeFlags.StopRule;

import java.nio.file.Path;

/** The serve flags of the server tests: the defaults but for what a test sets. */
final class Flags {

    private Flags() {}

    /** Batched with {@code scheduler} (static: waiting {@code maxWaitMs}), no request timeout. */
    static ServeFlags batched(Scheduler scheduler, int maxBatch, long maxWaitMs, int maxQueue, int maxTokens, int threads, int modelThreads) {
        return new ServeFlags(ServeFlags.DEFAULT_HOST, 0, Path.of(ServeFlags.DEFAULT_WEIGHTS), Mode.BATCHED, scheduler, maxBatch,
                maxWaitMs, ServeFlags.DEFAULT_PREFILL_TOKENS, maxQueue, 0, maxTokens, StopRule.FIXED, threads, modelThreads,
                ModelThread.PLATFORM, null, null, false);
    }

    /** {@code f} with --listen-when-ready. */
    static ServeFlags listeningWhenReady(ServeFlags f) {
        return new ServeFlags(f.host(), f.port(), f.weights(), f.mode(), f.scheduler(), f.maxBatch(), f.maxWaitMs(), f.prefillTokens(),
                f.maxQueue(), f.requestTimeoutMs(), f.maxTokens(), f.stopRule(), f.threads(), f.modelThreads(), f.modelThread(),
                f.historyDb(), f.historyUrl(), true);
    }

    /** {@code f} with a request timeout of {@code ms}. */
    static ServeFlags withRequestTimeout(ServeFlags f, long ms) {
        return new ServeFlags(f.host(), f.port(), f.weights(), f.mode(), f.scheduler(), f.maxBatch(), f.maxWaitMs(), f.prefillTokens(),
                f.maxQueue(), ms, f.maxTokens(), f.stopRule(), f.threads(), f.modelThreads(), f.modelThread(),
                f.historyDb(), f.historyUrl(), f.listenWhenReady());
    }

    /** The unbatched baseline on {@code threads} workers, no request timeout. */
    static ServeFlags unbatched(int maxQueue, int maxTokens, int threads) {
        return new ServeFlags(ServeFlags.DEFAULT_HOST, 0, Path.of(ServeFlags.DEFAULT_WEIGHTS), Mode.UNBATCHED, Scheduler.STATIC, 1, 0,
                ServeFlags.DEFAULT_PREFILL_TOKENS, maxQueue, 0, maxTokens, StopRule.FIXED, threads, null, ModelThread.PLATFORM,
                null, null, false);
    }
}
