package miniserve.server;

import miniserve.agent.ContinuousTutor;
import miniserve.agent.GrammarTutorAgent;
import miniserve.agent.TutorModel;
import miniserve.kernels.ComputePool;
import miniserve.model.Generator;
import miniserve.model.Step;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Mode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The grammar tutor as the server's model: one agent per model thread over shared weights, and the
 * learners' history ({@link LearnerHistory}: recorded as a correction is about to be sent, never on a
 * model thread).
 *
 * <ul>
 *   <li>Batched ({@link ServeFlags.Mode#BATCHED}): {@code modelThreads} workers, each on its own model
 *       thread with up to {@code maxBatch} rows in flight (a static batch, or the running batch of
 *       continuous batching), splitting each matmul across a {@link ComputePool} of
 *       {@code threads / modelThreads} platform threads. One model thread with all the cores pays a
 *       hand-off per matmul (and waits for the slowest core each time); one batch per core pays none.
 *       Which wins is measured by the lab, which records the choice.</li>
 *   <li>Unbatched (Lab 01's "variant C"): {@code threads} agents on the threads of an
 *       {@link UnbatchedExecutor}, each taking one request at a time and computing single-threaded,
 *       so each request's forward pass runs on one core and the cores serve different requests.</li>
 * </ul>
 */
public final class TutorBackend implements ModelBackend {

    /** A short sentence each worker corrects once before the server reports ready. */
    static final String WARM_UP_SENTENCE = "She go to school yesterday.";

    private final TutorModel model;
    private final ServeFlags config;
    private final LearnerHistory history; // null: no learner history
    private final List<ComputePool> pools = Collections.synchronizedList(new ArrayList<>());

    public TutorBackend(TutorModel model, ServeFlags config) {
        this(model, config, null);
    }

    /** As above, with the learners' history (closed with this backend; null: none). */
    public TutorBackend(TutorModel model, ServeFlags config, LearnerHistory history) {
        if (model.maxSentenceTokens(config.maxTokens()) < 1)
            throw new IllegalArgumentException("max tokens " + config.maxTokens() + " leaves no room for a sentence in the model's "
                    + model.config().nPositions() + " positions");
        this.model = model;
        this.config = config;
        this.history = history;
    }

    public TutorModel model() {
        return model;
    }

    @Override
    public int maxSentenceTokens() {
        return model.maxSentenceTokens(config.maxTokens());
    }

    /** Only as long as an answer can be within the server's max tokens: a text's longer sentences are cut. */
    @Override
    public int maxPieceTokens() {
        return Math.min(maxSentenceTokens(), model.maxAnsweredTokens(config.maxTokens()));
    }

    @Override
    public int sentenceTokens(String sentence) {
        return model.sentenceTokens(sentence);
    }

    @Override
    public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() {
        List<BatchFunction<CorrectionRequest, Object>> workers = new ArrayList<>();
        for (ComputePool pool : workerPools()) {
            GrammarTutorAgent agent = model.newAgent(pool, config.rowsPerWorker(), config.maxTokens(),
                    Generator.StopRule.valueOf(config.stopRule().name()));
            agent.correct(WARM_UP_SENTENCE, null); // not a request: leaves no trace in the history or the metrics
            workers.add((requests, hook) -> {
                List<String> sentences = new ArrayList<>(requests.size());
                List<String> learners = new ArrayList<>(requests.size());
                for (CorrectionRequest r : requests) {
                    sentences.add(r.sentence());
                    learners.add(r.learnerId());
                }
                return agent.correctBatch(sentences, learners, hook);
            });
        }
        return workers;
    }

    @Override
    public List<RowEngine<CorrectionRequest, Object>> rowEngines() {
        List<RowEngine<CorrectionRequest, Object>> engines = new ArrayList<>();
        for (ComputePool pool : workerPools()) {
            ContinuousTutor tutor = model.newContinuousTutor(pool, config.maxBatch(), config.maxTokens());
            tutor.start(0, WARM_UP_SENTENCE, null); // not a request: leaves no trace in the history or the metrics
            while (!tutor.complete(0)) tutor.step();
            tutor.finish(0);
            engines.add(new RowEngine<>() {
                @Override
                public int rows() {
                    return tutor.rows();
                }

                @Override
                public int promptTokens(CorrectionRequest r) {
                    return tutor.promptTokens(r.sentence());
                }

                @Override
                public void start(int row, CorrectionRequest r) {
                    tutor.start(row, r.sentence(), r.learnerId());
                }

                @Override
                public Step step() {
                    return tutor.step();
                }

                @Override
                public boolean complete(int row) {
                    return tutor.complete(row);
                }

                @Override
                public Object finish(int row) {
                    return tutor.finish(row);
                }

                @Override
                public void free(int row) {
                    tutor.free(row);
                }
            });
        }
        return engines;
    }

    /** The learner's history, when there is one, records the correction and fills in their frequent errors. */
    @Override
    public Reply reply(String learnerId, Object result) {
        return history == null ? Reply.of(result) : history.reply(learnerId, result);
    }

    /**
     * The compute pool of each worker. Unbatched: each on one core. Batched: the compute threads shared
     * out among the model threads as evenly as they go (5 over 2 is 3 + 2).
     */
    private List<ComputePool> workerPools() {
        List<ComputePool> out = new ArrayList<>();
        int n = config.workers();
        for (int i = 0; i < n; i++) {
            int share = config.mode() == ServeFlags.Mode.UNBATCHED ? 1
                    : config.threads() / n + (i < config.threads() % n ? 1 : 0);
            out.add(share == 1 ? ComputePool.serial() : newPool(share));
        }
        return out;
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
        if (history != null) history.close();
    }
}
