package miniserve.model;

import miniserve.kernels.ComputePool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The forward pass against a float64 reference, the KV cache, and independence of batch rows. */
class GptForwardTest {

    private static final GptConfig CFG = TestModels.TINY;
    private static final GptWeights W = TestModels.random(CFG, 7);
    private static final int V = CFG.vocabSize();
    private static final ComputePool POOL2 = ComputePool.create(2);

    @AfterAll
    static void closePool() {
        POOL2.close();
    }

    private static int[] randomTokens(SplittableRandom rnd, int n) {
        return TestModels.randomTokens(rnd, n, V);
    }

    /** Rows left-padded to the longest one; pad slots hold junk ids, which the model must ignore. */
    private static int[][] leftPad(List<int[]> rows, int[] padding) {
        int T = rows.stream().mapToInt(r -> r.length).max().orElseThrow();
        int[][] out = new int[rows.size()][T];
        for (int b = 0; b < rows.size(); b++) {
            padding[b] = T - rows.get(b).length;
            for (int t = 0; t < padding[b]; t++) out[b][t] = (7 * t + b) % V;
            System.arraycopy(rows.get(b), 0, out[b], padding[b], rows.get(b).length);
        }
        return out;
    }

    // Tolerance against float64: float32 accumulation over C = 48..192 terms, two layers, logits of
    // magnitude up to ~10. Observed errors are around 1e-6; 1e-4·(1 + |ref|) catches any real slip.
    private static final double REF_TOL = 1e-4;

    @Test
    void paddedBatchMatchesFloat64ReferenceAtEveryRealPosition() {
        SplittableRandom rnd = new SplittableRandom(1);
        List<int[]> rows = List.of(randomTokens(rnd, 13), randomTokens(rnd, 1), randomTokens(rnd, 20), randomTokens(rnd, 6));
        int[] padding = new int[rows.size()];
        int[][] batch = leftPad(rows, padding);
        int T = batch[0].length;
        Gpt gpt = new Gpt(W, POOL2, 4, 32);
        float[] all = new float[rows.size() * T * V];
        gpt.prefillAllLogits(batch, padding, all);

        double worst = 0;
        for (int b = 0; b < rows.size(); b++) {
            double[][] ref = ReferenceGpt.logits(W, rows.get(b));
            for (int t = 0; t < rows.get(b).length; t++) {
                int slot = padding[b] + t;
                for (int v = 0; v < V; v++) {
                    double got = all[(b * T + slot) * V + v], want = ref[t][v];
                    assertThat(Math.abs(got - want))
                            .as("row %d position %d token %d: got %s, reference %s", b, t, v, got, want)
                            .isLessThanOrEqualTo(REF_TOL * (1 + Math.abs(want)));
                    worst = Math.max(worst, Math.abs(got - want));
                }
            }
        }
        // The reference must not be trivially close: logits vary by several units.
        double[][] ref0 = ReferenceGpt.logits(W, rows.get(0));
        double spread = 0;
        for (double v : ref0[0]) spread = Math.max(spread, Math.abs(v - ref0[0][0]));
        assertThat(spread).isGreaterThan(1.0);
        assertThat(worst).isLessThan(1e-3);
    }

    @Test
    void prefillLastSlotLogitsEqualTheFullHeadAtTheLastSlot() {
        SplittableRandom rnd = new SplittableRandom(2);
        List<int[]> rows = List.of(randomTokens(rnd, 9), randomTokens(rnd, 4));
        int[] padding = new int[2];
        int[][] batch = leftPad(rows, padding);
        int T = batch[0].length;
        Gpt gpt = new Gpt(W, POOL2, 2, 16);
        float[] all = new float[2 * T * V];
        gpt.prefillAllLogits(batch, padding, all);
        float[] last = gpt.prefill(batch, padding).clone();
        for (int b = 0; b < 2; b++)
            for (int v = 0; v < V; v++)
                assertThat(last[b * V + v]).isCloseTo(all[(b * T + T - 1) * V + v], org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void kvCacheDecodingGivesTheLogitsOfRecomputingTheWholeSequence() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<int[]> prompts = List.of(randomTokens(rnd, 5), randomTokens(rnd, 11), randomTokens(rnd, 2));
        int B = prompts.size(), steps = 9;
        int[][] fed = new int[B][steps];
        for (int[] f : fed) for (int s = 0; s < steps; s++) f[s] = rnd.nextInt(V);

        int[] padding = new int[B];
        int[][] batch = leftPad(prompts, padding);
        int T = batch[0].length;
        Gpt cached = new Gpt(W, POOL2, B, T + steps);
        cached.prefill(batch, padding);
        float[][] stepLogits = new float[steps][];
        int[] next = new int[B];
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < B; b++) next[b] = fed[b][s];
            stepLogits[s] = cached.decodeStep(next).clone();
            assertThat(cached.length()).isEqualTo(T + s + 1);
        }

        // The whole sequence (prompt + fed tokens) in one prefill, no cache reuse.
        int L = T + steps;
        int[][] full = new int[B][L];
        for (int b = 0; b < B; b++) {
            System.arraycopy(batch[b], 0, full[b], 0, T);
            System.arraycopy(fed[b], 0, full[b], T, steps);
        }
        Gpt fresh = new Gpt(W, ComputePool.serial(), B, L);
        float[] all = new float[B * L * V];
        fresh.prefillAllLogits(full, padding, all);
        for (int s = 0; s < steps; s++)
            for (int b = 0; b < B; b++)
                for (int v = 0; v < V; v++) {
                    float want = all[(b * L + T + s) * V + v], got = stepLogits[s][b * V + v];
                    assertThat(Math.abs(got - want)).as("step %d row %d token %d", s, b, v).isLessThanOrEqualTo(1e-4f);
                }
    }

    /** Greedy decoding of one prompt inside a batch, returning per-step logits of that row. */
    private static float[][] greedyLogits(Gpt gpt, List<int[]> prompts, int row, int steps, int[] tokensOut) {
        int B = prompts.size();
        int[] padding = new int[B];
        int[][] batch = leftPad(prompts, padding);
        float[][] rowLogits = new float[steps][];
        float[] logits = gpt.prefill(batch, padding);
        int[] next = new int[B];
        for (int s = 0; s < steps; s++) {
            rowLogits[s] = java.util.Arrays.copyOfRange(logits, row * V, row * V + V);
            for (int b = 0; b < B; b++) next[b] = miniserve.kernels.Elementwise.argmaxScalar(logits, b * V, V);
            tokensOut[s] = next[row];
            if (s + 1 < steps) logits = gpt.decodeStep(next);
        }
        return rowLogits;
    }

    @Test
    void aPromptGivesTheSameLogitsAndTokensAloneAndInsideABatch() {
        SplittableRandom rnd = new SplittableRandom(4);
        int[] prompt = randomTokens(rnd, 7);
        int[] longer = randomTokens(rnd, 15), shorter = randomTokens(rnd, 3), same = randomTokens(rnd, 7);
        int steps = 12;

        int[] aloneTokens = new int[steps];
        float[][] alone = greedyLogits(new Gpt(W, ComputePool.serial(), 1, 32), List.of(prompt), 0, steps, aloneTokens);

        List<List<int[]>> batches = List.of(
                List.of(longer, prompt, shorter),
                List.of(shorter, same, longer, prompt),
                List.of(prompt, longer),
                List.of(shorter, prompt));
        Gpt batched = new Gpt(W, POOL2, 4, 32); // one instance reused: no state may leak between batches
        for (List<int[]> batch : batches) {
            int row = indexOf(batch, prompt);
            int[] tokens = new int[steps];
            float[][] got = greedyLogits(batched, batch, row, steps, tokens);
            assertThat(tokens).as("tokens in a batch of %d, row %d", batch.size(), row).containsExactly(aloneTokens);
            for (int s = 0; s < steps; s++)
                for (int v = 0; v < V; v++)
                    assertThat(Math.abs(got[s][v] - alone[s][v])).as("step %d token %d", s, v).isLessThanOrEqualTo(1e-4f);
        }
        // Greedy decoding must not be stuck on one token, or the comparison above says little.
        assertThat(java.util.Arrays.stream(aloneTokens).distinct().count()).isGreaterThan(1);
    }

    private static int indexOf(List<int[]> batch, int[] prompt) {
        for (int i = 0; i < batch.size(); i++) if (batch.get(i) == prompt) return i;
        throw new AssertionError();
    }

    @Test
    void badInputIsRejectedWithAReason() {
        Gpt gpt = new Gpt(W, ComputePool.serial(), 2, 8);
        assertThatThrownBy(() -> gpt.decodeStep(new int[]{1})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> gpt.prefill(new int[3][4], new int[3])).hasMessageContaining("batch of 3");
        assertThatThrownBy(() -> gpt.prefill(new int[1][9], new int[1])).hasMessageContaining("prompt length 9");
        assertThatThrownBy(() -> gpt.prefill(new int[][]{{1, 2}, {1}}, new int[2])).hasMessageContaining("row 1");
        assertThatThrownBy(() -> gpt.prefill(new int[][]{{1, 2}}, new int[]{2})).hasMessageContaining("padding");
        assertThatThrownBy(() -> gpt.prefill(new int[][]{{1, V}}, new int[]{0})).hasMessageContaining("token id " + V);
        // A pad slot may hold anything.
        gpt.prefill(new int[][]{{-5, 3}}, new int[]{1});
        assertThatThrownBy(() -> gpt.decodeStep(new int[]{1, 2})).hasMessageContaining("expected 1 tokens");
        for (int i = 0; i < 6; i++) gpt.decodeStep(new int[]{1});
        assertThat(gpt.length()).isEqualTo(8);
        assertThatThrownBy(() -> gpt.decodeStep(new int[]{1})).hasMessageContaining("maxT");

        // Positions count from a row's first real token and stop at n_positions (40 here).
        Gpt roomy = new Gpt(W, ComputePool.serial(), 1, 48);
        int[][] padded = new int[1][45];
        roomy.prefill(padded, new int[]{5});
        assertThatThrownBy(() -> roomy.decodeStep(new int[]{1})).hasMessageContaining("position 40");
        assertThatThrownBy(() -> roomy.prefill(new int[1][41], new int[]{0})).hasMessageContaining("position 40");
    }
}
