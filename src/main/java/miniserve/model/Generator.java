package miniserve.model;

import miniserve.kernels.ComputePool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy generation for a batch of prompts: left-pad them to one length, prefill, then decode
 * one token per row per step.
 *
 * <p>Each row generates what it would generate alone: the padding is masked out of attention and
 * positions count from each row's first real token. A row keeps being computed after it produced
 * the end token (its further tokens are discarded) for as long as the {@link StopRule} says, and
 * the result counts that work. Not thread-safe: one instance per model thread; the weights may be
 * shared between instances.
 */
public final class Generator {

    /** When a batch stops decoding. */
    public enum StopRule {
        /** Every row generates exactly maxTokens tokens, ended or not: Lab 02's rule, the default. */
        FIXED,
        /** Stop once every row has produced the end token (or at maxTokens): static batching as usually served. */
        ALL_ENDED
    }

    private final Gpt gpt;
    private final StopRule stopRule;
    private final int vocabSize;
    private final int nPositions;

    /** FIXED stop rule; room for sequences up to the model's n_positions. */
    public Generator(GptWeights weights, ComputePool pool, int maxBatch) {
        this(weights, pool, maxBatch, StopRule.FIXED);
    }

    public Generator(GptWeights weights, ComputePool pool, int maxBatch, StopRule stopRule) {
        this(weights, pool, maxBatch, stopRule, weights.config.nPositions());
    }

    /**
     * @param maxSeq longest padded prompt plus maxTokens this instance must hold; it sizes the
     *               KV cache and activations (memory grows with maxBatch·maxSeq)
     */
    public Generator(GptWeights weights, ComputePool pool, int maxBatch, StopRule stopRule, int maxSeq) {
        this.gpt = new Gpt(weights, pool, maxBatch, maxSeq);
        this.stopRule = stopRule;
        this.vocabSize = weights.config.vocabSize();
        this.nPositions = weights.config.nPositions();
    }

    public StopRule stopRule() {
        return stopRule;
    }

    public int maxBatch() {
        return gpt.maxB();
    }

    /**
     * Generates up to {@code maxTokens} tokens for each prompt (1 .. maxBatch prompts, none empty).
     * Each row's output is cut before its first {@code endToken}.
     *
     * @throws IllegalArgumentException on an empty prompt, a token outside the vocabulary, too many
     *                                  prompts, or a longest prompt plus maxTokens beyond n_positions
     */
    public GenerationResult generate(List<int[]> prompts, int maxTokens, int endToken) {
        return generate(prompts, maxTokens, endToken, null, 0f);
    }

    /**
     * {@link #generate(List, int, int)} leaning towards a preferred answer per row (the rule of
     * {@link PreferredGreedy}). With bias 0 (or preferred null) this is plain greedy decoding.
     *
     * @param preferred null, or one token sequence per prompt
     * @param bias      a log-probability margin, 0 or more
     */
    public GenerationResult generate(List<int[]> prompts, int maxTokens, int endToken, List<int[]> preferred, float bias) {
        return generate(prompts, maxTokens, endToken, preferred, bias, StepHook.NONE);
    }

    /**
     * {@link #generate(List, int, int, List, float)} watched by {@code hook} pass by pass: it hears of
     * every pass, and a row it no longer wants counts as ended from then on. The batch also stops
     * once no row is wanted any more, whatever the stop rule.
     */
    public GenerationResult generate(List<int[]> prompts, int maxTokens, int endToken, List<int[]> preferred, float bias,
                                     StepHook hook) {
        int B = prompts.size();
        if (preferred != null && preferred.size() != B)
            throw new IllegalArgumentException(B + " prompts but " + preferred.size() + " preferred answers");
        if (!(bias >= 0)) throw new IllegalArgumentException("bias must be >= 0, got " + bias);
        if (B < 1 || B > gpt.maxB())
            throw new IllegalArgumentException(B + " prompts; this generator takes 1.." + gpt.maxB());
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        if (endToken < 0 || endToken >= vocabSize)
            throw new IllegalArgumentException("end token " + endToken + " is outside the vocabulary 0.." + (vocabSize - 1));
        int T = 0;
        for (int b = 0; b < B; b++) {
            int len = prompts.get(b).length;
            if (len == 0) throw new IllegalArgumentException("prompt " + b + " is empty");
            T = Math.max(T, len);
        }
        if ((long) T + maxTokens > nPositions)
            throw new IllegalArgumentException("the longest prompt (" + T + " tokens) plus maxTokens (" + maxTokens
                    + ") exceeds the model's context of " + nPositions + " positions");
        // The last generated token is never fed back, so the cache needs T + maxTokens - 1 slots.
        if ((long) T + maxTokens - 1 > gpt.maxT())
            throw new IllegalArgumentException("the longest prompt (" + T + " tokens) plus maxTokens (" + maxTokens
                    + ") needs " + (T + maxTokens - 1) + " slots; this generator holds " + gpt.maxT());

        int[][] padded = new int[B][T];
        int[] padding = new int[B];
        long paddingTokens = 0;
        for (int b = 0; b < B; b++) {
            int[] p = prompts.get(b);
            padding[b] = T - p.length;
            paddingTokens += padding[b];
            System.arraycopy(p, 0, padded[b], padding[b], p.length); // pad slots stay 0; the model ignores them
        }

        int[] next = new int[B]; // the tokens fed to the next decode step
        int[][] generated = new int[B][maxTokens];
        int[] outLen = new int[B];
        boolean[] ended = new boolean[B];
        boolean[] done = new boolean[B]; // ended, or no longer wanted: what the row computes now is waste
        PreferredGreedy[] choice = new PreferredGreedy[B];
        for (int b = 0; b < B; b++) choice[b] = new PreferredGreedy(preferred == null ? null : preferred.get(b), bias);
        int doneRows = 0;
        long computed = (long) B * T, afterEnd = 0;
        long start = System.nanoTime();
        float[] logits = gpt.prefill(padded, padding);
        hook.stepDone(prefillRecord(start, padding, T));
        int steps = 0;
        while (true) {
            for (int b = 0; b < B; b++) {
                int tok = choice[b].next(logits, b * vocabSize, vocabSize);
                next[b] = tok;
                if (done[b]) continue;
                if (tok == endToken) {
                    ended[b] = done[b] = true;
                    doneRows++;
                } else {
                    generated[b][outLen[b]++] = tok;
                }
            }
            steps++;
            boolean anyWanted = false;
            for (int b = 0; b < B; b++) {
                if (hook.wanted(b)) {
                    anyWanted = true;
                } else if (!done[b]) {
                    done[b] = true;
                    doneRows++;
                }
            }
            if (steps == maxTokens || (stopRule == StopRule.ALL_ENDED && doneRows == B) || !anyWanted) break;
            // Rows that are done still run (their input is the end token or what followed it): wasted work.
            computed += B;
            afterEnd += doneRows;
            start = System.nanoTime();
            logits = gpt.decodeStep(next);
            hook.stepDone(decodeRecord(start, done));
        }

        List<int[]> outputs = new ArrayList<>(B);
        for (int b = 0; b < B; b++) outputs.add(Arrays.copyOf(generated[b], outLen[b]));
        return new GenerationResult(outputs, ended, steps, computed, paddingTokens, afterEnd);
    }

    /** The prefill's record: every row's prompt with its padding; the generator's other rows idle. */
    private Step prefillRecord(long start, int[] padding, int T) {
        Step step = Step.of(start, System.nanoTime(), gpt.maxB());
        for (int b = 0; b < padding.length; b++) {
            step.kinds()[b] = Step.PREFILL;
            step.tokens()[b] = T;
            step.padding()[b] = padding[b];
        }
        return step;
    }

    /** A decode pass's record: one token per row, waste for the rows that are done. */
    private Step decodeRecord(long start, boolean[] done) {
        Step step = Step.of(start, System.nanoTime(), gpt.maxB());
        for (int b = 0; b < done.length; b++) {
            step.kinds()[b] = done[b] ? Step.AFTER_END : Step.DECODE;
            step.tokens()[b] = 1;
        }
        return step;
    }
}
