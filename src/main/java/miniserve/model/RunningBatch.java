package miniserve.model;

import miniserve.kernels.ComputePool;

import java.util.Arrays;

/**
 * The running batch of continuous batching (Orca's iteration-level scheduling): a fixed number of
 * rows, each holding one sequence with its own length. A prompt {@link #start}s in a free row while
 * the others are mid-generation; each {@link #step} is one forward pass that prefills every row
 * started since the last step and decodes one token for every other running row; a row whose answer
 * is complete (its end token, or its own token limit) waits to be read and {@link #free}d.
 *
 * <p>Tokens are chosen by the same rule as {@link Generator} ({@link PreferredGreedy}), and a row's
 * positions count from 0 in its own cache, so a prompt gets the tokens it would get alone, whichever
 * rows run beside it and whenever it joins. There is no padding and nothing runs after a row's end.
 * Not thread-safe: one instance per model thread; the weights may be shared.
 */
public final class RunningBatch {

    /** One row's sequence. */
    private static final class Row {
        final int[] prompt;
        final int maxTokens, endToken;
        final PreferredGreedy choice;
        final int[] output;   // generated tokens before the end token
        int outLen;
        int chosen;           // tokens chosen so far, the end token included
        int last;             // the last chosen token: the next pass's input
        boolean ended;

        Row(int[] prompt, int maxTokens, int endToken, PreferredGreedy choice) {
            this.prompt = prompt;
            this.maxTokens = maxTokens;
            this.endToken = endToken;
            this.choice = choice;
            this.output = new int[maxTokens];
        }

        boolean prefilled() {
            return chosen > 0;
        }

        boolean complete() {
            return ended || chosen == maxTokens;
        }
    }

    private final Gpt gpt;
    private final int vocabSize, nPositions;
    private final Row[] rows;
    // the next pass's arguments, reused
    private final int[] passRows, passCounts, passTokens;

    /** Room for {@code rows} sequences of up to the model's n_positions each. */
    public RunningBatch(GptWeights weights, ComputePool pool, int rows) {
        this.gpt = new Gpt(weights, pool, rows, weights.config.nPositions());
        this.vocabSize = weights.config.vocabSize();
        this.nPositions = weights.config.nPositions();
        this.rows = new Row[rows];
        this.passRows = new int[rows];
        this.passCounts = new int[rows];
        this.passTokens = new int[rows * nPositions];
    }

    public int rows() {
        return rows.length;
    }

    public boolean isFree(int row) {
        return rows[row] == null;
    }

    /** Rows holding a sequence (running or complete and not yet freed). */
    public int occupied() {
        int n = 0;
        for (Row r : rows) if (r != null) n++;
        return n;
    }

    /**
     * Puts a prompt into a free row; the next {@link #step} prefills it. Its answer is complete at its
     * end token or after {@code maxTokens} tokens, the end token counted, like one row of
     * {@link Generator#generate(java.util.List, int, int, java.util.List, float)}.
     *
     * @param preferred null, or the answer to lean towards (see {@link PreferredGreedy})
     * @throws IllegalArgumentException for a busy row, an empty prompt, a token outside the vocabulary, or a
     *                                  prompt plus maxTokens beyond the model's n_positions
     */
    public void start(int row, int[] prompt, int maxTokens, int endToken, int[] preferred, float bias) {
        if (row < 0 || row >= rows.length) throw new IllegalArgumentException("row " + row + "; this batch has rows 0.." + (rows.length - 1));
        if (rows[row] != null) throw new IllegalArgumentException("row " + row + " is busy");
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (endToken < 0 || endToken >= vocabSize)
            throw new IllegalArgumentException("end token " + endToken + " is outside the vocabulary 0.." + (vocabSize - 1));
        if ((long) prompt.length + maxTokens > nPositions)
            throw new IllegalArgumentException("the prompt (" + prompt.length + " tokens) plus maxTokens (" + maxTokens
                    + ") exceeds the model's context of " + nPositions + " positions");
        for (int t : prompt)
            if (t < 0 || t >= vocabSize) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary 0.." + (vocabSize - 1));
        PreferredGreedy choice = new PreferredGreedy(preferred, bias);
        gpt.clearRow(row);
        rows[row] = new Row(prompt.clone(), maxTokens, endToken, choice);
    }

    /** Whether some row is waiting for a pass (a prompt to prefill, or a running answer to continue). */
    public boolean hasWork() {
        for (Row r : rows) if (r != null && !r.complete()) return true;
        return false;
    }

    /**
     * One forward pass over every row that has work: the prompts started since the last pass, and one
     * token of every running answer. Each of them gets its next token. Returns what the pass computed
     * per row; {@code null} when no row had work (nothing ran).
     */
    public Step step() {
        int n = 0, R = 0;
        for (int i = 0; i < rows.length; i++) {
            Row r = rows[i];
            if (r == null || r.complete()) continue;
            passRows[n] = i;
            if (r.prefilled()) {
                passCounts[n] = 1;
                passTokens[R++] = r.last;
            } else {
                passCounts[n] = r.prompt.length;
                System.arraycopy(r.prompt, 0, passTokens, R, r.prompt.length);
                R += r.prompt.length;
            }
            n++;
        }
        if (n == 0) return null;
        byte[] kinds = new byte[rows.length];
        int[] tokens = new int[rows.length];
        for (int i = 0; i < n; i++) {
            kinds[passRows[i]] = rows[passRows[i]].prefilled() ? Step.DECODE : Step.PREFILL;
            tokens[passRows[i]] = passCounts[i];
        }
        long start = System.nanoTime();
        float[] logits = gpt.appendRows(n, passRows, passCounts, passTokens);
        for (int i = 0; i < n; i++) {
            Row r = rows[passRows[i]];
            int tok = r.choice.next(logits, i * vocabSize, vocabSize);
            r.chosen++;
            r.last = tok;
            if (tok == r.endToken) r.ended = true;
            else r.output[r.outLen++] = tok;
        }
        return new Step(start, System.nanoTime(), kinds, tokens, new int[rows.length]);
    }

    /** Whether the row's answer is complete: it produced its end token, or its maxTokens tokens. */
    public boolean complete(int row) {
        return rows[row] != null && rows[row].complete();
    }

    /** Whether the row has had its prefill (its first token is chosen). */
    public boolean prefilled(int row) {
        return rows[row] != null && rows[row].prefilled();
    }

    /** The row's answer so far: its tokens before the end token. */
    public int[] output(int row) {
        Row r = busy(row);
        return Arrays.copyOf(r.output, r.outLen);
    }

    /** Whether the row produced its end token. */
    public boolean ended(int row) {
        return busy(row).ended;
    }

    /** Frees the row (its answer read, or no longer wanted); a no-op for a free row. */
    public void free(int row) {
        rows[row] = null;
    }

    private Row busy(int row) {
        Row r = rows[row];
        if (r == null) throw new IllegalStateException("row " + row + " is free");
        return r;
    }
}
