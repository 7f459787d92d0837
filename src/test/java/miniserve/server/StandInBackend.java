package miniserve.server;

import miniserve.model.Step;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A model stand-in for HTTP-layer tests: a "correction" is the sentence in upper case; a
 * sentence containing "boom" fails (its batch, or in continuous batching its own row); a gate can
 * hold every batch (every pass of a running batch). Tokens are words; at most {@link #MAX_WORDS}.
 */
final class StandInBackend implements ModelBackend {

    static final int MAX_WORDS = 50;

    /** What each batch (or pass's prefills) held, in order. */
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate = new CountDownLatch(0);
    private final int workers;

    StandInBackend(int workers) {
        this.workers = workers;
    }

    @Override
    public int maxSentenceTokens() {
        return MAX_WORDS;
    }

    @Override
    public int sentenceTokens(String sentence) {
        return sentence.trim().split("\\s+").length;
    }

    static Object answer(CorrectionRequest r) {
        return Map.of("sentence", r.sentence(), "corrected", r.sentence().toUpperCase(Locale.ROOT),
                "learner_id", String.valueOf(r.learnerId()));
    }

    @Override
    public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() {
        List<BatchFunction<CorrectionRequest, Object>> list = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            list.add((requests, hook) -> {
                List<String> sentences = requests.stream().map(CorrectionRequest::sentence).toList();
                batches.add(sentences);
                entered.countDown();
                gate.await();
                if (sentences.stream().anyMatch(s -> s.contains("boom")))
                    throw new IllegalStateException("stand-in model failure");
                return requests.stream().map(StandInBackend::answer).toList();
            });
        }
        return list;
    }

    /** Each row "generates" one word of its sentence per pass. */
    @Override
    public List<RowEngine<CorrectionRequest, Object>> rowEngines() {
        List<RowEngine<CorrectionRequest, Object>> list = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            list.add(new RowEngine<>() {
                final CorrectionRequest[] rows = new CorrectionRequest[8];
                final int[] produced = new int[8];

                @Override
                public int rows() {
                    return rows.length;
                }

                @Override
                public int promptTokens(CorrectionRequest r) {
                    return sentenceTokens(r.sentence());
                }

                @Override
                public void start(int row, CorrectionRequest r) {
                    rows[row] = r;
                    produced[row] = 0;
                }

                @Override
                public Step step() throws InterruptedException {
                    List<String> prefills = new ArrayList<>();
                    Step step = Step.of(System.nanoTime(), System.nanoTime(), rows.length);
                    for (int row = 0; row < rows.length; row++) {
                        if (rows[row] == null || complete(row)) continue;
                        if (produced[row] == 0) prefills.add(rows[row].sentence());
                        step.kinds()[row] = produced[row] == 0 ? Step.PREFILL : Step.DECODE;
                        step.tokens()[row] = 1;
                        produced[row]++;
                    }
                    if (!prefills.isEmpty()) batches.add(prefills);
                    entered.countDown();
                    gate.await();
                    return step;
                }

                @Override
                public boolean complete(int row) {
                    return produced[row] >= sentenceTokens(rows[row].sentence());
                }

                @Override
                public Object finish(int row) {
                    CorrectionRequest r = rows[row];
                    free(row);
                    if (r.sentence().contains("boom")) throw new IllegalStateException("stand-in model failure");
                    return answer(r);
                }

                @Override
                public void free(int row) {
                    rows[row] = null;
                }
            });
        }
        return list;
    }
}
