package miniserve.agent;

import miniserve.agent.SentenceCorrector.Prompted;
import miniserve.model.RunningBatch;
import miniserve.model.Step;

/**
 * The grammar tutor on a running batch (continuous batching): a sentence takes a free row, its
 * prompt is prefilled while the other rows are mid-answer, and it leaves as soon as its own answer
 * is complete, as a correction built exactly as {@link GrammarTutorAgent} builds it (the same
 * prompt, copy bias, output check, diff and explanations). Who joins when is the caller's choice
 * (a scheduler's). Not thread-safe: one per model thread.
 */
public final class ContinuousTutor {

    private final SentenceCorrector corrector;
    private final RunningBatch batch;
    private final Prompted[] inRow;

    ContinuousTutor(TutorModel model, RunningBatch batch, int maxTokens) {
        this.corrector = new SentenceCorrector(model, maxTokens);
        this.batch = batch;
        this.inRow = new Prompted[batch.rows()];
    }

    public int rows() {
        return batch.rows();
    }

    public int maxTokens() {
        return corrector.maxTokens();
    }

    /**
     * Puts a sentence into a free row; the next {@link #step} prefills it. Returns the prompt's length
     * in tokens (what its prefill costs).
     *
     * @throws IllegalArgumentException for a busy row, a blank sentence, or one too long for the model
     */
    public int start(int row, String sentence, String learnerId) {
        Prompted p = corrector.prompt(sentence, learnerId);
        batch.start(row, p.prompt(), corrector.maxTokens(), corrector.endToken(), p.preferred(), corrector.bias());
        inRow[row] = p;
        return p.prompt().length;
    }

    /** The length in tokens of a sentence's prompt, what its prefill would cost. */
    public int promptTokens(String sentence) {
        return corrector.promptTokens(sentence);
    }

    /** One forward pass over every row with work (see {@link RunningBatch#step}); null when none had any. */
    public Step step() {
        return batch.step();
    }

    /** Whether the row's answer is complete (its end token, or max tokens). */
    public boolean complete(int row) {
        return batch.complete(row);
    }

    /** Whether the row has had its prefill, that is its first token. */
    public boolean prefilled(int row) {
        return batch.prefilled(row);
    }

    /** The row's correction; frees the row. */
    public Correction finish(int row) {
        Prompted p = inRow[row];
        if (p == null) throw new IllegalStateException("row " + row + " is free");
        try {
            return corrector.correct(p, batch.output(row), batch.ended(row));
        } finally {
            free(row);
        }
    }

    /** Frees the row without an answer (its request is gone); a no-op for a free row. */
    public void free(int row) {
        batch.free(row);
        inRow[row] = null;
    }
}
