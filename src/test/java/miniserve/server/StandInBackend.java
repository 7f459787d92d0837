package miniserve.server;

import miniserve.agent.Correction;
import miniserve.agent.Correction.Status;
import miniserve.language.Edit;
import miniserve.language.ErrorType;
import miniserve.language.WordDiff;
import miniserve.model.Step;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A model stand-in for HTTP-layer tests: a "correction" is the sentence in upper case, one
 * capitalization edit per word or mark that changes, and an insertion of "!" after every "wow"; a
 * sentence containing "boom" fails (its batch, or in continuous batching its own row); a gate can
 * hold every batch (every pass of a running batch), and {@link #hold} the rows whose sentence contains
 * "hold" (their batch, or in continuous batching only their row: the others finish meanwhile). Tokens
 * are words; at most {@link #MAX_WORDS}.
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

    /** Rows whose sentence contains "hold" do not finish before this opens. */
    volatile CountDownLatch hold = new CountDownLatch(0);

    static Correction answer(CorrectionRequest r) {
        String sentence = r.sentence();
        List<Edit> edits = new ArrayList<>();
        StringBuilder corrected = new StringBuilder();
        int at = 0;
        List<WordDiff.Token> tokens = WordDiff.tokenize(sentence);
        for (int i = 0; i < tokens.size(); i++) {
            WordDiff.Token t = tokens.get(i);
            String upper = t.text().toUpperCase(Locale.ROOT);
            corrected.append(sentence, at, t.start()).append(upper);
            at = t.end();
            if (!upper.equals(t.text()))
                edits.add(new Edit(i, i + 1, t.text(), upper, ErrorType.CAPITALIZATION, "'" + t.text() + "' in capitals"));
            if (t.text().equals("wow")) {
                corrected.append('!');
                edits.add(new Edit(i + 1, i + 1, "", "!", ErrorType.PUNCTUATION, "an exclamation mark after 'wow'"));
            }
        }
        corrected.append(sentence.substring(at).toUpperCase(Locale.ROOT));
        return new Correction(sentence, corrected.toString(), edits.isEmpty() ? Status.NO_ERRORS : Status.CORRECTED, null, edits,
                r.learnerId(), List.of());
    }

    private static boolean held(String sentence) {
        return sentence.contains("hold");
    }

    private void awaitHold() throws InterruptedException {
        if (!hold.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("the stand-in's hold never opened");
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
                if (sentences.stream().anyMatch(StandInBackend::held)) awaitHold();
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
                    if (hold.getCount() > 0) Thread.sleep(1); // a held row keeps the loop stepping: not at full speed
                    return step;
                }

                @Override
                public boolean complete(int row) {
                    return produced[row] >= sentenceTokens(rows[row].sentence())
                            && (!held(rows[row].sentence()) || hold.getCount() == 0);
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
