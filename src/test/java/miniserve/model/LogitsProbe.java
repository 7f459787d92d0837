package miniserve.model;

import miniserve.kernels.ComputePool;
import miniserve.kernels.Matmul;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link ColdWarmLogitsTest}: computes one fixed set of numbers with the
 * kernels and writes their raw bits, so that JVMs started in different JIT modes can be compared.
 *
 * <p>Usage: {@code LogitsProbe <passes> <first.bin> <last.bin>}. It runs the computation
 * {@code passes} times and writes the result of the first pass and of the last one. The numbers are
 * the logits of a padded prefill of every slot and of a few decode steps of a small random GPT-2
 * whose widths leave vector tails everywhere (head dim 40, vocabulary 131; small, since the
 * interpreted run computes it too), then the training model's loss and every gradient of one
 * backward on a right-padded batch, and a transposed product large enough for 4×4 dot tiles.
 */
public final class LogitsProbe {
    private LogitsProbe() {}

    static final GptConfig CONFIG = new GptConfig(131, 32, 80, 1, 2);
    private static final int[] ROW_LENGTHS = {13, 4, 19};
    private static final int DECODE_STEPS = 3;
    private static final int[] TRAINING_LENGTHS = {18, 7, 12};

    public static void main(String[] args) throws IOException {
        int passes = Integer.parseInt(args[0]);
        GptWeights weights = TestModels.random(CONFIG, 11);
        try (ComputePool pool = ComputePool.create(1)) {
            Gpt gpt = new Gpt(weights, pool, ROW_LENGTHS.length, 32);
            GptTraining training = new GptTraining(weights, TRAINING_LENGTHS.length, 20, pool);
            float[] first = compute(gpt, training, pool);
            float[] last = first;
            for (int i = 1; i < passes; i++) last = compute(gpt, training, pool);
            write(Path.of(args[1]), first);
            write(Path.of(args[2]), last);
        }
    }

    /** One pass: every number this probe compares, in one array. */
    static float[] compute(Gpt gpt, GptTraining training, ComputePool pool) {
        int V = CONFIG.vocabSize(), B = ROW_LENGTHS.length, T = 0;
        for (int len : ROW_LENGTHS) T = Math.max(T, len);
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] rows = new int[B][T];
        int[] padding = new int[B];
        for (int b = 0; b < B; b++) {
            padding[b] = T - ROW_LENGTHS[b];
            for (int t = padding[b]; t < T; t++) rows[b][t] = rnd.nextInt(V);
        }
        float[] logits = new float[B * T * V + DECODE_STEPS * B * V];
        gpt.prefillAllLogits(rows, padding, logits);
        int at = B * T * V;
        int[] next = new int[B];
        for (int s = 0; s < DECODE_STEPS; s++) {
            for (int b = 0; b < B; b++) next[b] = (31 * s + 7 * b) % V;
            System.arraycopy(gpt.decodeStep(next), 0, logits, at, B * V);
            at += B * V;
        }
        List<float[]> parts = new ArrayList<>();
        parts.add(logits);

        List<TrainingSequence> sequences = new ArrayList<>();
        for (int len : TRAINING_LENGTHS) {
            int[] tokens = new int[len];
            for (int t = 0; t < len; t++) tokens[t] = rnd.nextInt(V);
            sequences.add(new TrainingSequence(tokens, len / 2));
        }
        TrainingBatch batch = new TrainingBatch(TRAINING_LENGTHS.length, 20);
        batch.fill(sequences);
        parts.add(new float[] {training.forward(batch)});
        training.backward();
        for (GptWeights.Tensor g : training.gradients().tensors().values()) parts.add(g.data());

        int M = 37, K = 80, N = 53; // tails in every dimension
        float[] product = new float[M * N];
        Matmul.matmulTransposedB(pool, product, gaussian(rnd, M * K), gaussian(rnd, N * K), M, K, N);
        parts.add(product);

        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static void write(Path file, float[] values) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(values.length);
            for (float v : values) out.writeInt(Float.floatToRawIntBits(v));
        }
    }
}
