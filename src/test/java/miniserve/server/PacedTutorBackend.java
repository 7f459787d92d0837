package miniserve.server;

import miniserve.agent.Correction;
import miniserve.agent.Correction.Status;
import miniserve.language.Edit;
import miniserve.language.EditClassifier;
import miniserve.model.Step;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tutor stand-in for the tests of the learner's page, answering real {@link Correction}s: it fixes
 * the words of {@link #FIXES} and the project's own {@link EditClassifier} types and explains the edits,
 * as the tutor does. Continuous batching only, on {@link StandInBackend}'s rows (tokens are words, a row
 * takes one pass per word) with a pass of {@link #PASS_MS}; a sentence containing {@link #HELD_WORD} is
 * not finished before {@link #release} is opened, so a test decides which sentence of a text is ready first.
 */
final class PacedTutorBackend implements ModelBackend {

    static final String HELD_WORD = "later";
    static final long PASS_MS = 5;
    /** The stand-in's whole knowledge of English. */
    static final Map<String, String> FIXES = Map.of("childs", "children", "goed", "went", "dont", "don't", "informations", "information");
    private static final Pattern WORD = Pattern.compile("[A-Za-z']+");

    /** Rows of words, one pass each: the pace of {@link StandInBackend}. */
    private final StandInBackend words = new StandInBackend(1);
    volatile CountDownLatch release = new CountDownLatch(0);
    private final EditClassifier classifier = new EditClassifier();
    private final LearnerHistory history; // null: none

    PacedTutorBackend(LearnerHistory history) {
        this.history = history;
    }

    @Override
    public int maxSentenceTokens() {
        return words.maxSentenceTokens();
    }

    @Override
    public int sentenceTokens(String sentence) {
        return words.sentenceTokens(sentence);
    }

    Correction correct(CorrectionRequest r) {
        String sentence = r.sentence();
        StringBuilder corrected = new StringBuilder();
        Matcher m = WORD.matcher(sentence);
        while (m.find()) m.appendReplacement(corrected, Matcher.quoteReplacement(FIXES.getOrDefault(m.group(), m.group())));
        m.appendTail(corrected);
        List<Edit> edits = classifier.edits(sentence, corrected.toString());
        return new Correction(sentence, corrected.toString(), edits.isEmpty() ? Status.NO_ERRORS : Status.CORRECTED, null, edits,
                r.learnerId(), List.of());
    }

    @Override
    public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() {
        throw new UnsupportedOperationException("the paced stand-in runs with continuous batching only");
    }

    @Override
    public List<RowEngine<CorrectionRequest, Object>> rowEngines() {
        RowEngine<CorrectionRequest, Object> byWord = words.rowEngines().getFirst();
        return List.of(new RowEngine<>() {
            final CorrectionRequest[] requests = new CorrectionRequest[byWord.rows()];

            @Override
            public int rows() {
                return byWord.rows();
            }

            @Override
            public int promptTokens(CorrectionRequest r) {
                return byWord.promptTokens(r);
            }

            @Override
            public void start(int row, CorrectionRequest r) throws Exception {
                requests[row] = r;
                byWord.start(row, r);
            }

            @Override
            public Step step() throws Exception {
                Thread.sleep(PASS_MS);
                return byWord.step();
            }

            @Override
            public boolean complete(int row) {
                boolean held = requests[row].sentence().contains(HELD_WORD) && release.getCount() > 0;
                return byWord.complete(row) && !held;
            }

            @Override
            public Object finish(int row) {
                CorrectionRequest r = requests[row];
                free(row);
                return correct(r);
            }

            @Override
            public void free(int row) {
                requests[row] = null;
                byWord.free(row);
            }
        });
    }

    @Override
    public Reply reply(String learnerId, Object result) {
        return history == null ? Reply.of(result) : history.reply(learnerId, result);
    }

    @Override
    public void close() {
        if (history != null) history.close();
    }
}
