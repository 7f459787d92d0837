package miniserve.server;

import miniserve.agent.GrammarTutorAgent;
import miniserve.agent.LearnerHistory;
import miniserve.agent.TutorModel;
import miniserve.kernels.ComputePool;
import miniserve.model.Generator.StopRule;
import miniserve.model.StepHook;
import miniserve.server.StaticBatchScheduler.BatchFunction;
import miniserve.serving.ServeFlags.Mode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The grammar tutor as the server's model: one {@link GrammarTutorAgent} per model thread over
 * shared weights, and one learner history for all of them.
 *
 * <ul>
 *   <li>{@link Mode#BATCHED}: {@code modelThreads} agents, each on its own model thread with a batch
 *       of up to {@code maxBatch} rows in flight, splitting each matmul across a {@link ComputePool}
 *       of {@code threads / modelThreads} platform threads. One model thread with all the cores
 *       pays a hand-off per matmul (and waits for the slowest core each time); one batch per core
 *       pays none. Which wins is measured by the lab, which records the choice.</li>
 *   <li>{@link Mode#UNBATCHED} (Lab 01's "variant C"): {@code threads} agents on the threads of an
 *       {@link UnbatchedExecutor}, each taking one request at a time and computing single-threaded,
 *       so each request's forward pass runs on one core and the cores serve different requests.</li>
 * </ul>
 */
public final class TutorBackend implements ModelBackend {

    /** A short sentence each worker corrects once before the server reports ready. */
    static final String WARM_UP_SENTENCE = "She go to school yesterday.";

    private final TutorModel model;
    private final Mode mode;
    private final int maxBatch;
    private final int maxTokens;
    private final StopRule stopRule;
    private final int threads;
    private final int modelThreads;
    private final LearnerHistory history = new LearnerHistory();
    private final List<ComputePool> pools = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param maxBatch rows per batch in batched mode (unbatched mode runs batches of one)
     * @param threads      batched: compute threads shared out among the model threads; unbatched: worker threads
     * @param modelThreads batched: batches in flight at once, each on its own model thread (1 to {@code threads});
     *                     unbatched: not used
     */
    public TutorBackend(TutorModel model, Mode mode, int maxBatch, int maxTokens, StopRule stopRule, int threads,
                        int modelThreads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (modelThreads < 1 || modelThreads > threads)
            throw new IllegalArgumentException("model threads must be between 1 and the " + threads + " threads, got " + modelThreads);
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
        if (model.maxSentenceTokens(maxTokens) < 1)
            throw new IllegalArgumentException("max tokens " + maxTokens + " leaves no room for a sentence in the model's "
                    + model.config().nPositions() + " positions");
        this.model = model;
        this.mode = mode;
        this.maxBatch = maxBatch;
        this.maxTokens = maxTokens;
        this.stopRule = stopRule;
        this.threads = threads;
        this.modelThreads = modelThreads;
    }

    public TutorModel model() {
        return model;
    }

    @Override
    public int maxSentenceTokens() {
        return model.maxSentenceTokens(maxTokens);
    }

    @Override
    public int sentenceTokens(String sentence) {
        return model.sentenceTokens(sentence);
    }

    @Override
    public boolean batched() {
        return mode == Mode.BATCHED;
    }

    @Override
    public List<BatchFunction<CorrectionRequest, Object>> workers(ServerMetrics metrics) {
        List<BatchFunction<CorrectionRequest, Object>> workers = new ArrayList<>();
        if (mode == Mode.BATCHED) {
            // The compute threads shared out as evenly as they go: 5 over 2 model threads is 3 + 2.
            for (int i = 0; i < modelThreads; i++) {
                int share = threads / modelThreads + (i < threads % modelThreads ? 1 : 0);
                workers.add(worker(share == 1 ? ComputePool.serial() : newPool(share), maxBatch, metrics));
            }
        } else {
            for (int i = 0; i < threads; i++) workers.add(worker(ComputePool.serial(), 1, metrics));
        }
        return workers;
    }

    private BatchFunction<CorrectionRequest, Object> worker(ComputePool pool, int rows, ServerMetrics metrics) {
        GrammarTutorAgent agent = model.newAgent(pool, rows, maxTokens, stopRule, history);
        agent.correct(WARM_UP_SENTENCE, null); // anonymous: leaves no trace in the history or the metrics
        return requests -> {
            List<String> sentences = new ArrayList<>(requests.size());
            List<String> learners = new ArrayList<>(requests.size());
            for (CorrectionRequest r : requests) {
                sentences.add(r.sentence());
                learners.add(r.learnerId());
            }
            return agent.correctBatch(sentences, learners, StepHook.observing(metrics::work));
        };
    }

    private ComputePool newPool(int n) {
        ComputePool pool = ComputePool.create(n);
        pools.add(pool);
        return pool;
    }

    @Override
    public void close() {
        synchronized (pools) {
            for (ComputePool p : pools) p.close();
            pools.clear();
        }
    }
}
