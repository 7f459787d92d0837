package miniserve.server;

import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A model stand-in for HTTP-layer tests: a "correction" is the sentence in upper case; a
 * sentence containing "boom" makes its batch throw; a gate can hold every batch.
 * Tokens are words; at most {@link #MAX_WORDS}.
 */
final class StandInBackend implements ModelBackend {

    static final int MAX_WORDS = 50;

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

    @Override
    public List<BatchFunction<CorrectionRequest, Object>> workers(ServerMetrics metrics) {
        List<BatchFunction<CorrectionRequest, Object>> list = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            list.add(requests -> {
                List<String> sentences = requests.stream().map(CorrectionRequest::sentence).toList();
                batches.add(sentences);
                entered.countDown();
                gate.await();
                if (sentences.stream().anyMatch(s -> s.contains("boom")))
                    throw new IllegalStateException("stand-in model failure");
                return requests.stream().map(r -> (Object) Map.of(
                        "sentence", r.sentence(),
                        "corrected", r.sentence().toUpperCase(Locale.ROOT),
                        "learner_id", String.valueOf(r.learnerId()))).toList();
            });
        }
        return list;
    }
}
