package miniserve.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import miniserve.kernels.ComputePool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every gradient of the float training backward against central finite differences of a
 * float64 reference forward written here with its own plain loops (no shared code with the
 * model under test). Each sequence is run alone in the reference, so the comparison also
 * checks that the batch's right padding changes neither the loss nor any gradient.
 */
class GptTrainingGradientTest {

    private static final ComputePool POOL = ComputePool.create(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    // ------------------------------------------------------------------ float64 reference

    /** Mean cross-entropy over all target tokens of the sequences, each run on its own, in double. */
    static double referenceLoss(GptConfig cfg, Map<String, double[]> p, List<TrainingSequence> seqs) {
        double total = 0;
        int count = 0;
        for (TrainingSequence s : seqs) {
            double[][] out = referenceLogits(cfg, p, s.tokens(), s.inputLength());
            for (int t = 0; t < s.inputLength(); t++) {
                if (t + 1 < s.firstLossTarget()) continue;
                double[] z = out[t];
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) max = Math.max(max, v);
                double sum = 0;
                for (double v : z) sum += Math.exp(v - max);
                total += -(z[s.tokens()[t + 1]] - max - Math.log(sum));
                count++;
            }
        }
        return total / count;
    }

    /** Logits [n, V] of the first n tokens. */
    static double[][] referenceLogits(GptConfig cfg, Map<String, double[]> p, int[] tokens, int n) {
        int C = cfg.nEmbd(), NH = cfg.nHead(), hd = C / NH, V = cfg.vocabSize();
        double eps = cfg.layerNormEps();
        double[][] x = new double[n][C];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < C; c++) x[t][c] = p.get("wte.weight")[tokens[t] * C + c] + p.get("wpe.weight")[t * C + c];
        for (int l = 0; l < cfg.nLayer(); l++) {
            String h = "h." + l + ".";
            double[][] a = layerNorm(x, p.get(h + "ln_1.weight"), p.get(h + "ln_1.bias"), eps);
            double[][] qkv = linear(a, p.get(h + "attn.c_attn.weight"), p.get(h + "attn.c_attn.bias"), 3 * C);
            double[][] y = new double[n][C];
            for (int head = 0; head < NH; head++) {
                for (int t = 0; t < n; t++) {
                    double[] w = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s <= t; s++) {
                        double d = 0;
                        for (int i = 0; i < hd; i++) d += qkv[t][head * hd + i] * qkv[s][C + head * hd + i];
                        w[s] = d / Math.sqrt(hd);
                        max = Math.max(max, w[s]);
                    }
                    double sum = 0;
                    for (int s = 0; s <= t; s++) sum += (w[s] = Math.exp(w[s] - max));
                    for (int s = 0; s <= t; s++)
                        for (int i = 0; i < hd; i++) y[t][head * hd + i] += w[s] / sum * qkv[s][2 * C + head * hd + i];
                }
            }
            double[][] proj = linear(y, p.get(h + "attn.c_proj.weight"), p.get(h + "attn.c_proj.bias"), C);
            for (int t = 0; t < n; t++) for (int c = 0; c < C; c++) x[t][c] += proj[t][c];
            double[][] b = layerNorm(x, p.get(h + "ln_2.weight"), p.get(h + "ln_2.bias"), eps);
            double[][] f = linear(b, p.get(h + "mlp.c_fc.weight"), p.get(h + "mlp.c_fc.bias"), 4 * C);
            for (double[] row : f)
                for (int i = 0; i < row.length; i++) {
                    double v = row[i];
                    row[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                }
            double[][] m = linear(f, p.get(h + "mlp.c_proj.weight"), p.get(h + "mlp.c_proj.bias"), C);
            for (int t = 0; t < n; t++) for (int c = 0; c < C; c++) x[t][c] += m[t][c];
        }
        double[][] fin = layerNorm(x, p.get("ln_f.weight"), p.get("ln_f.bias"), eps);
        double[][] logits = new double[n][V];
        double[] wte = p.get("wte.weight");
        for (int t = 0; t < n; t++)
            for (int v = 0; v < V; v++)
                for (int c = 0; c < C; c++) logits[t][v] += fin[t][c] * wte[v * C + c];
        return logits;
    }

    private static double[][] layerNorm(double[][] x, double[] g, double[] b, double eps) {
        int C = g.length;
        double[][] out = new double[x.length][C];
        for (int t = 0; t < x.length; t++) {
            double mean = 0, var = 0;
            for (double v : x[t]) mean += v;
            mean /= C;
            for (double v : x[t]) var += (v - mean) * (v - mean);
            var /= C;
            for (int c = 0; c < C; c++) out[t][c] = (x[t][c] - mean) / Math.sqrt(var + eps) * g[c] + b[c];
        }
        return out;
    }

    /** x[n,K] · w[K,N] + b[N], w row-major [in, out]. */
    private static double[][] linear(double[][] x, double[] w, double[] b, int N) {
        int K = x[0].length;
        double[][] out = new double[x.length][N];
        for (int t = 0; t < x.length; t++)
            for (int j = 0; j < N; j++) {
                double s = b[j];
                for (int k = 0; k < K; k++) s += x[t][k] * w[k * N + j];
                out[t][j] = s;
            }
        return out;
    }

    // ------------------------------------------------------------------ fixtures

    /** Weights with every tensor random and O(1) (biases and gains too), so every gradient is exercised. */
    static GptWeights spreadWeights(GptConfig cfg, long seed) {
        GptWeights w = new GptWeights(cfg);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (GptWeights.Tensor t : w.tensors().values()) {
            boolean gain = t.name().endsWith("ln_1.weight") || t.name().endsWith("ln_2.weight") || t.name().equals("ln_f.weight");
            double scale = t.shape().length == 2 ? 0.5 / Math.sqrt(t.shape()[0]) * 2 : 0.3;
            if (t.name().startsWith("wte") || t.name().startsWith("wpe")) scale = 0.5;
            for (int i = 0; i < t.data().length; i++)
                t.data()[i] = (float) ((gain ? 1 : 0) + scale * (rnd.nextDouble() * 2 - 1));
        }
        return w;
    }

    private static Map<String, double[]> toDouble(GptWeights w) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (GptWeights.Tensor t : w.tensors().values()) {
            double[] d = new double[t.data().length];
            for (int i = 0; i < d.length; i++) d[i] = t.data()[i];
            m.put(t.name(), d);
        }
        return m;
    }

    /** Sequences of different lengths (so the batch is padded) with the loss on their tails. */
    static List<TrainingSequence> sequences(int vocab, long seed, int... lengths) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<TrainingSequence> out = new ArrayList<>();
        for (int n : lengths) {
            int[] tok = new int[n];
            for (int i = 0; i < n; i++) tok[i] = rnd.nextInt(vocab);
            out.add(new TrainingSequence(tok, 1 + rnd.nextInt(n - 1)));
        }
        return out;
    }

    /**
     * Compares the analytic gradient of every tensor with central differences of the reference
     * (h = 1e-4 in double), at every element or at {@code samplesPerTensor} random ones.
     * Tolerance: |analytic − fd| ≤ 2e-3 · max|fd over the tensor| + 1e-5 per element.
     */
    private static void checkGradients(GptConfig cfg, List<TrainingSequence> seqs, int samplesPerTensor, long seed) {
        GptWeights w = spreadWeights(cfg, seed);
        int maxT = seqs.stream().mapToInt(TrainingSequence::inputLength).max().orElseThrow() + 1; // spare padding
        GptTraining model = new GptTraining(w, seqs.size() + 1, maxT, POOL);
        TrainingBatch batch = new TrainingBatch(seqs.size() + 1, maxT);
        batch.fill(seqs);
        float loss = model.forward(batch);
        model.backward();

        Map<String, double[]> p = toDouble(w);
        double refLoss = referenceLoss(cfg, p, seqs);
        assertThat((double) loss).as("loss").isCloseTo(refLoss, org.assertj.core.data.Offset.offset(1e-4 * Math.abs(refLoss)));

        Map<String, GptWeights.Tensor> grads = model.gradients().tensors();
        SplittableRandom pick = new SplittableRandom(seed + 1);
        double h = 1e-4;
        for (Map.Entry<String, double[]> e : p.entrySet()) {
            double[] param = e.getValue();
            float[] analytic = grads.get(e.getKey()).data();
            int n = param.length;
            int[] idx;
            if (samplesPerTensor <= 0 || samplesPerTensor >= n) {
                idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = i;
            } else {
                idx = new int[samplesPerTensor];
                for (int i = 0; i < idx.length; i++) idx[i] = pick.nextInt(n);
            }
            double[] fd = new double[idx.length];
            double maxFd = 0;
            for (int j = 0; j < idx.length; j++) {
                int i = idx[j];
                double keep = param[i];
                param[i] = keep + h;
                double up = referenceLoss(cfg, p, seqs);
                param[i] = keep - h;
                double down = referenceLoss(cfg, p, seqs);
                param[i] = keep;
                fd[j] = (up - down) / (2 * h);
                maxFd = Math.max(maxFd, Math.abs(fd[j]));
            }
            double tol = 2e-3 * maxFd + 1e-5;
            for (int j = 0; j < idx.length; j++) {
                assertThat((double) analytic[idx[j]]).as("d loss / d %s[%d]", e.getKey(), idx[j])
                        .isCloseTo(fd[j], org.assertj.core.data.Offset.offset(tol));
            }
            if (samplesPerTensor <= 0)
                assertThat(maxFd).as("gradient of %s is exercised", e.getKey()).isGreaterThan(1e-4);
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void everyGradientMatchesFiniteDifferencesOnATinyModel() {
        // V=13, C=8, 2 layers, 2 heads, rows of 5 and 3 positions (the second padded).
        GptConfig cfg = new GptConfig(13, 8, 8, 2, 2);
        checkGradients(cfg, sequences(13, 11, 6, 4), 0, 5);
    }

    @Test
    void gradientsMatchWithVectorWideHeadsAndThreeRows() {
        // hd = 16 and C = 48 take the vector paths of the attention and matmul kernels.
        GptConfig cfg = new GptConfig(29, 12, 48, 2, 3);
        checkGradients(cfg, sequences(29, 23, 9, 5, 11), 25, 17);
    }

    @Test
    void paddingDoesNotChangeARowsLoss() {
        GptConfig cfg = new GptConfig(13, 16, 8, 2, 2);
        GptWeights w = spreadWeights(cfg, 3);
        List<TrainingSequence> seqs = sequences(13, 4, 4, 12);
        GptTraining model = new GptTraining(w, 2, 15, POOL);
        TrainingBatch alone = new TrainingBatch(2, 15);
        alone.fill(List.of(seqs.get(0)));
        float lossAlone = model.loss(alone);
        TrainingSequence shortOnlyLoss = seqs.get(0);
        // Same short row padded to 11 positions next to a long row whose loss positions are none but one.
        TrainingSequence longRow = new TrainingSequence(seqs.get(1).tokens(), seqs.get(1).tokens().length - 1);
        TrainingBatch padded = new TrainingBatch(2, 15);
        padded.fill(List.of(shortOnlyLoss, longRow));
        float lossPadded = model.loss(padded);
        double ref0 = referenceLoss(cfg, toDouble(w), List.of(shortOnlyLoss));
        double ref1 = referenceLoss(cfg, toDouble(w), List.of(longRow));
        int n0 = shortOnlyLoss.lossTokens();
        assertThat((double) lossAlone).isCloseTo(ref0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat((double) lossPadded).isCloseTo((ref0 * n0 + ref1) / (n0 + 1), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void trainingForwardAgreesWithTheInferenceModel() {
        // The loss the trainer minimises is the loss of the model that will serve.
        GptConfig cfg = new GptConfig(29, 16, 48, 2, 3);
        GptWeights w = spreadWeights(cfg, 8);
        TrainingSequence s = sequences(29, 31, 12).get(0);
        int n = s.inputLength();
        float[] logits = new float[n * cfg.vocabSize()];
        new Gpt(w, POOL, 1, n).prefillAllLogits(new int[][] {java.util.Arrays.copyOf(s.tokens(), n)}, new int[] {0}, logits);
        double total = 0;
        for (int t = s.firstLossTarget() - 1; t < n; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int v = 0; v < cfg.vocabSize(); v++) max = Math.max(max, logits[t * cfg.vocabSize() + v]);
            for (int v = 0; v < cfg.vocabSize(); v++) sum += Math.exp(logits[t * cfg.vocabSize() + v] - max);
            total += -(logits[t * cfg.vocabSize() + s.tokens()[t + 1]] - max - Math.log(sum));
        }
        TrainingBatch b = new TrainingBatch(1, n);
        b.fill(List.of(s));
        float loss = new GptTraining(w, 1, n, POOL).loss(b);
        assertThat((double) loss).isCloseTo(total / s.lossTokens(), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void stepFlopsCountsTheProductsOverEverySlotAndAttentionOverRealTokens() {
        GptConfig cfg = new GptConfig(13, 8, 8, 2, 2);
        GptTraining model = new GptTraining(GptWeights.random(cfg, 1), 2, 6, POOL);
        assertThatThrownBy(model::stepFlops).isInstanceOf(IllegalStateException.class);
        TrainingBatch b = new TrainingBatch(2, 6);
        // Row 0: 4 inputs, targets at positions 1-3; row 1: 6 inputs, targets at 2-5. B·T = 12 slots, 7 target rows.
        b.fill(List.of(new TrainingSequence(new int[] {1, 2, 3, 4, 5}, 2), new TrainingSequence(new int[] {1, 2, 3, 4, 5, 6, 7}, 3)));
        model.forward(b);
        // Layers: 2·12 slots·12·8²·2 layers = 36,864; head: 2·7·13·8 = 1,456;
        // attention: 4·8·(4·5/2 + 6·7/2)·2 layers = 1,984; forward 40,304, three times over with the backward.
        assertThat(model.stepFlops()).isEqualTo(120_912.0);
    }

    @Test
    void backwardNeedsAForward() {
        GptConfig cfg = new GptConfig(13, 8, 8, 1, 2);
        GptTraining model = new GptTraining(GptWeights.random(cfg, 1), 1, 4, POOL);
        assertThatThrownBy(model::backward).isInstanceOf(IllegalStateException.class);
        TrainingBatch b = new TrainingBatch(1, 4);
        b.fill(sequences(13, 1, 5));
        model.loss(b);
        assertThatThrownBy(model::backward).as("loss() prepares no gradient").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsTokensOutsideTheVocabulary() {
        GptConfig cfg = new GptConfig(13, 8, 8, 1, 2);
        GptTraining model = new GptTraining(GptWeights.random(cfg, 1), 1, 4, POOL);
        TrainingBatch b = new TrainingBatch(1, 4);
        b.fill(List.of(new TrainingSequence(new int[] {1, 2, 13}, 1)));
        assertThatThrownBy(() -> model.forward(b)).hasMessageContaining("vocabulary");
    }
}
