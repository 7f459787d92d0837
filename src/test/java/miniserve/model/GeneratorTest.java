package miniserve.model;

import miniserve.kernels.ComputePool;
import miniserve.model.Generator.StopRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Greedy batch generation: stop rules, cutting at the end token, and the work counters. */
class GeneratorTest {

    private static final GptConfig CFG = TestModels.TINY;
    private static final GptWeights W = TestModels.random(CFG, 21);
    private static final int V = CFG.vocabSize();
    private static final ComputePool POOL2 = ComputePool.create(2);

    @AfterAll
    static void closePool() {
        POOL2.close();
    }

    private static final List<int[]> PROMPTS;

    static {
        SplittableRandom rnd = new SplittableRandom(5);
        int[] lengths = {6, 1, 10, 3};
        PROMPTS = Arrays.stream(lengths).mapToObj(n -> rnd.ints(n, 0, V).toArray()).toList();
    }

    private static final int MAX_TOKENS = 12;

    /** Each row's full greedy continuation, computed one prompt at a time with no end token in play. */
    private static int[][] greedyAlone(List<int[]> prompts, int maxTokens) {
        int[][] out = new int[prompts.size()][];
        for (int b = 0; b < prompts.size(); b++) {
            Gpt gpt = new Gpt(W, ComputePool.serial(), 1, 40);
            int[] p = prompts.get(b);
            float[] logits = gpt.prefill(new int[][]{p}, new int[]{0});
            out[b] = new int[maxTokens];
            for (int s = 0; s < maxTokens; s++) {
                out[b][s] = argmax(logits, 0, V);
                if (s + 1 < maxTokens) logits = gpt.decodeStep(new int[]{out[b][s]});
            }
        }
        return out;
    }

    /** A local argmax, so the expected sequences do not come from the code under test. */
    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }

    private static int firstIndex(int[] seq, int token) {
        for (int i = 0; i < seq.length; i++) if (seq[i] == token) return i;
        return -1;
    }

    private static int promptSlots() {
        return PROMPTS.stream().mapToInt(p -> p.length).max().orElseThrow();
    }

    private static long paddingSlots() {
        int T = promptSlots();
        return PROMPTS.stream().mapToInt(p -> T - p.length).sum();
    }

    @Test
    void fixedRuleDecodesEveryRowMaxTokensAndCutsAtTheEndToken() {
        int[][] full = greedyAlone(PROMPTS, MAX_TOKENS);
        // An end token that some rows produce (at different steps) and at least one row never does.
        Set<Integer> seen = Arrays.stream(full).flatMap(r -> Arrays.stream(r).boxed()).collect(Collectors.toCollection(TreeSet::new));
        int end = -1;
        for (int candidate : seen) {
            long rowsWith = Arrays.stream(full).filter(r -> firstIndex(r, candidate) >= 0).count();
            if (rowsWith >= 2 && rowsWith < full.length) {
                end = candidate;
                break;
            }
        }
        assertThat(end).as("the test model should give rows that end and rows that do not").isNotNegative();

        Generator gen = new Generator(W, POOL2, 4);
        GenerationResult r = gen.generate(PROMPTS, MAX_TOKENS, end);
        int B = PROMPTS.size(), T = promptSlots();
        long afterEnd = 0;
        for (int b = 0; b < B; b++) {
            int e = firstIndex(full[b], end);
            int[] want = e < 0 ? full[b] : Arrays.copyOf(full[b], e);
            assertThat(r.outputs().get(b)).as("row %d", b).containsExactly(want);
            assertThat(r.ended()[b]).as("row %d ended", b).isEqualTo(e >= 0);
            // Token e (the end token) and all after it, up to the last one fed back, are computed for nothing.
            if (e >= 0) afterEnd += Math.max(0, MAX_TOKENS - 1 - e);
        }
        assertThat(r.generatedSteps()).isEqualTo(MAX_TOKENS);
        assertThat(r.tokensComputed()).isEqualTo((long) B * T + (long) B * (MAX_TOKENS - 1));
        assertThat(r.paddingTokens()).isEqualTo(paddingSlots());
        assertThat(r.tokensAfterEnd()).isEqualTo(afterEnd).isPositive();
        assertThat(r.usefulTokens()).isEqualTo(r.tokensComputed() - r.paddingTokens() - r.tokensAfterEnd());
        // Useful work is every real prompt token plus each row's generated tokens fed before its end.
        long useful = 0;
        for (int b = 0; b < B; b++) {
            int e = firstIndex(full[b], end);
            useful += PROMPTS.get(b).length + (e < 0 ? MAX_TOKENS - 1 : Math.min(e, MAX_TOKENS - 1));
        }
        assertThat(r.usefulTokens()).isEqualTo(useful);
    }

    @Test
    void allEndedRuleStopsWhenTheLastRowEnds() {
        // Rows that are one prompt extended by its own first 2 and 5 greedy tokens continue the same
        // sequence, so a token from its tail ends every row, each at a different step.
        int[] p = PROMPTS.get(0);
        int[] seq = greedyAlone(List.of(p), MAX_TOKENS)[0];
        List<int[]> prompts = List.of(concat(p, Arrays.copyOf(seq, 5)), p, concat(p, Arrays.copyOf(seq, 2)));
        int[][] full = greedyAlone(prompts, MAX_TOKENS);
        int end = seq[7];
        int latest = Arrays.stream(full).mapToInt(r -> firstIndex(r, end)).max().orElseThrow();
        assertThat(Arrays.stream(full).mapToInt(r -> firstIndex(r, end)).distinct().count())
                .as("rows should end at different steps").isGreaterThan(1);

        GenerationResult fixed = new Generator(W, POOL2, 4, StopRule.FIXED).generate(prompts, MAX_TOKENS, end);
        GenerationResult early = new Generator(W, POOL2, 4, StopRule.ALL_ENDED).generate(prompts, MAX_TOKENS, end);
        int B = prompts.size(), T = p.length + 5, steps = latest + 1;
        assertThat(early.generatedSteps()).isEqualTo(steps).isLessThan(MAX_TOKENS);
        for (int b = 0; b < B; b++) {
            assertThat(early.outputs().get(b)).containsExactly(Arrays.copyOf(full[b], firstIndex(full[b], end)));
            assertThat(early.outputs().get(b)).containsExactly(fixed.outputs().get(b));
            assertThat(early.ended()[b]).isTrue();
        }
        long afterEnd = 0;
        for (int[] row : full) afterEnd += steps - 1 - firstIndex(row, end);
        assertThat(afterEnd).isPositive();
        assertThat(early.tokensComputed()).isEqualTo((long) B * T + (long) B * (steps - 1));
        assertThat(early.tokensAfterEnd()).isEqualTo(afterEnd);
        assertThat(early.paddingTokens()).isEqualTo(5 + 3);
        // The same useful work either way; FIXED pays for more after the end.
        assertThat(early.usefulTokens()).isEqualTo(fixed.usefulTokens());
        assertThat(fixed.tokensAfterEnd()).isGreaterThan(early.tokensAfterEnd());
        assertThat(fixed.tokensComputed() - early.tokensComputed()).isEqualTo(fixed.tokensAfterEnd() - early.tokensAfterEnd());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void allEndedRuleRunsToMaxTokensWhenARowNeverEnds() {
        int[][] full = greedyAlone(PROMPTS, MAX_TOKENS);
        int never = 0;
        while (true) {
            int c = never;
            if (Arrays.stream(full).allMatch(r -> firstIndex(r, c) < 0)) break;
            never++;
        }
        GenerationResult r = new Generator(W, POOL2, 4, StopRule.ALL_ENDED).generate(PROMPTS, MAX_TOKENS, never);
        assertThat(r.generatedSteps()).isEqualTo(MAX_TOKENS);
        assertThat(r.tokensAfterEnd()).isZero();
        for (int b = 0; b < full.length; b++) {
            assertThat(r.outputs().get(b)).containsExactly(full[b]);
            assertThat(r.ended()[b]).isFalse();
        }
    }

    @Test
    void oneInstanceServesManyBatchesOfDifferentShapes() {
        int[][] full = greedyAlone(PROMPTS, MAX_TOKENS);
        Generator gen = new Generator(W, POOL2, 4);
        for (List<Integer> rows : List.of(List.of(2), List.of(0, 1, 2, 3), List.of(3, 1), List.of(1))) {
            List<int[]> prompts = rows.stream().map(PROMPTS::get).toList();
            GenerationResult r = gen.generate(prompts, 5, V - 1);
            for (int i = 0; i < rows.size(); i++) {
                int[] want = Arrays.copyOf(full[rows.get(i)], 5);
                int e = firstIndex(want, V - 1);
                assertThat(r.outputs().get(i)).containsExactly(e < 0 ? want : Arrays.copyOf(want, e));
            }
        }
    }

    /**
     * The preferred answer wins exactly when its logit is within the bias of the best one: at the
     * first step of one prompt, prefer the runner-up and set the bias just above, then just below,
     * the gap (computed here from the model's own logits).
     */
    @Test
    void aPreferredTokenWinsExactlyWhenWithinTheBias() {
        int[] p = PROMPTS.get(2);
        float[] logits = new Gpt(W, ComputePool.serial(), 1, 40).prefill(new int[][]{p}, new int[]{0});
        int best = argmax(logits, 0, V);
        int second = best == 0 ? 1 : 0;
        for (int i = 0; i < V; i++) if (i != best && logits[i] > logits[second]) second = i;
        float gap = logits[best] - logits[second];
        assertThat(gap).isPositive();
        Generator gen = new Generator(W, ComputePool.serial(), 1);
        List<int[]> prefer = List.of(new int[]{second});
        assertThat(gen.generate(List.of(p), 1, V - 1, prefer, gap * 1.01f).outputs().get(0)).containsExactly(second);
        assertThat(gen.generate(List.of(p), 1, V - 1, prefer, gap * 0.99f).outputs().get(0)).containsExactly(best);
    }

    /** With an overwhelming bias every row returns its preferred answer, alone or in a batch; bias 0 changes nothing. */
    @Test
    void anOverwhelmingBiasCopiesThePreferredAnswerAndZeroChangesNothing() {
        int end = V - 1;
        SplittableRandom rnd = new SplittableRandom(8);
        List<int[]> preferred = PROMPTS.stream().map(pr -> {
            int[] a = rnd.ints(1 + rnd.nextInt(6), 0, V - 1).toArray();
            int[] withEnd = Arrays.copyOf(a, a.length + 1);
            withEnd[a.length] = end;
            return withEnd;
        }).toList();
        Generator gen = new Generator(W, POOL2, 4);
        GenerationResult r = gen.generate(PROMPTS, MAX_TOKENS, end, preferred, 1e9f);
        for (int b = 0; b < PROMPTS.size(); b++) {
            int[] want = preferred.get(b);
            assertThat(r.outputs().get(b)).containsExactly(Arrays.copyOf(want, want.length - 1));
            assertThat(r.ended()[b]).isTrue();
            GenerationResult alone = new Generator(W, ComputePool.serial(), 1)
                    .generate(List.of(PROMPTS.get(b)), MAX_TOKENS, end, List.of(want), 1e9f);
            assertThat(alone.outputs().get(0)).containsExactly(r.outputs().get(b));
        }
        GenerationResult plain = gen.generate(PROMPTS, MAX_TOKENS, end);
        GenerationResult zero = gen.generate(PROMPTS, MAX_TOKENS, end, preferred, 0f);
        for (int b = 0; b < PROMPTS.size(); b++) assertThat(zero.outputs().get(b)).containsExactly(plain.outputs().get(b));
        assertThatThrownBy(() -> gen.generate(PROMPTS, MAX_TOKENS, end, preferred.subList(0, 2), 1f))
                .hasMessageContaining("4 prompts but 2 preferred answers");
        assertThatThrownBy(() -> gen.generate(PROMPTS, MAX_TOKENS, end, preferred, -1f)).hasMessageContaining("bias must be >= 0");
    }

    @Test
    void badRequestsAreRejectedWithAReason() {
        Generator gen = new Generator(W, ComputePool.serial(), 2);
        int[] ok = {1, 2, 3};
        assertThatThrownBy(() -> gen.generate(List.of(ok, new int[0]), 4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt 1 is empty");
        assertThatThrownBy(() -> gen.generate(List.of(), 4, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gen.generate(List.of(ok, ok, ok), 4, 0)).hasMessageContaining("3 prompts");
        assertThatThrownBy(() -> gen.generate(List.of(ok), 0, 0)).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> gen.generate(List.of(ok), 4, V)).hasMessageContaining("end token");
        assertThatThrownBy(() -> gen.generate(List.of(new int[]{1, V + 3}), 4, 0)).hasMessageContaining("token id " + (V + 3));
        // n_positions is 40: a 30-token prompt leaves room for 10 tokens, not 11.
        int[] long30 = new int[30];
        assertThat(gen.generate(List.of(long30, ok), 10, 0).generatedSteps()).isEqualTo(10);
        assertThatThrownBy(() -> gen.generate(List.of(long30, ok), 11, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40 positions");
        Generator small = new Generator(W, ComputePool.serial(), 1, StopRule.FIXED, 16);
        assertThatThrownBy(() -> small.generate(List.of(ok), 15, 0)).hasMessageContaining("holds 16");
        assertThat(small.generate(List.of(ok), 14, 0).generatedSteps()).isEqualTo(14);
    }
}
