package miniserve.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import miniserve.kernels.ComputePool;
import miniserve.model.Gpt;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole model on GPT-2-small's shape (124M parameters, random weights: speed does not
 * depend on their values). {@code forward}: B=8 rows of T=64 tokens, logits at every position,
 * the work of llm.c's {@code gpt2_forward}. {@code decodeStep}: one new token for each of B rows
 * over a KV cache of 16..127 slots; the 500 MB of weights come from memory every step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ModelBench {

    /** Multiply-adds ×2 of the matrix products: 2·B·T·(12·L·C² + V·C); attention is not counted. */
    public static double forwardFlops(GptConfig c, int rows) {
        long perRow = 12L * c.nLayer() * c.nEmbd() * c.nEmbd() + (long) c.vocabSize() * c.nEmbd();
        return 2.0 * rows * perRow;
    }

    @State(Scope.Benchmark)
    public static class Weights {
        GptWeights weights;

        @Setup(Level.Trial)
        public void load() {
            weights = GptWeights.random(GptConfig.gpt2Small(), 1234);
        }
    }

    @State(Scope.Benchmark)
    public static class Forward {
        public static final int B = 8, T = 64;

        @Param({"1", "2"})
        public int threads;

        ComputePool pool;
        Gpt model;
        int[][] tokens;
        int[] padding;
        float[] logits;

        @Setup(Level.Trial)
        public void setUp(Weights w) {
            pool = ComputePool.create(threads);
            model = new Gpt(w.weights, pool, B, T);
            tokens = randomTokens(B, T, w.weights.config.vocabSize());
            padding = new int[B];
            logits = new float[B * T * w.weights.config.vocabSize()];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Decode {
        static final int PROMPT = 16, MAX_SEQ = 128;

        @Param({"1", "8", "32"})
        public int B;

        @Param({"1", "2"})
        public int threads;

        ComputePool pool;
        Gpt model;
        int[][] prompt;
        int[] padding, next;

        @Setup(Level.Trial)
        public void setUp(Weights w) {
            pool = ComputePool.create(threads);
            model = new Gpt(w.weights, pool, B, MAX_SEQ);
            int V = w.weights.config.vocabSize();
            prompt = randomTokens(B, PROMPT, V);
            padding = new int[B];
            next = randomTokens(1, B, V)[0];
        }

        /** Restarts the sequence (untimed) when the cache is full. */
        @Setup(Level.Invocation)
        public void room() {
            if (model.batchSize() == 0 || model.length() >= MAX_SEQ) model.prefill(prompt, padding);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    @Benchmark
    public float[] forward(Forward f) {
        f.model.prefillAllLogits(f.tokens, f.padding, f.logits);
        return f.logits;
    }

    @Benchmark
    public float[] decodeStep(Decode d) {
        return d.model.decodeStep(d.next);
    }

    static int[][] randomTokens(int rows, int cols, int vocab) {
        SplittableRandom rnd = new SplittableRandom(99);
        int[][] t = new int[rows][cols];
        for (int[] row : t) {
            for (int i = 0; i < cols; i++) row[i] = rnd.nextInt(vocab);
        }
        return t;
    }
}
