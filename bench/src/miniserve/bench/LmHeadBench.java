package miniserve.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import miniserve.kernels.ComputePool;
import miniserve.kernels.Matmul;
import miniserve.kernels.PackedMatrix;
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
 * The tied LM head, out[M,V] = x[M,C]·wte[V,C]ᵀ: GPT-2's vocabulary (V=50257, C=768; wte is
 * 154 MB, read from memory every call) and the tutor's. {@link #vector} is
 * {@link Matmul#matmulTransposedB}, dot-product tiles on wte as it is; {@link #packed} the model's, a packed product
 * on wte packed transposed once ({@link PackedMatrix#packTransposed}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LmHeadBench {

    @State(Scope.Benchmark)
    public static class Problem {
        @Param({"1", "8", "64"})
        public int M;

        /** K×N: embedding width × vocabulary. */
        @Param({"768x50257", "256x3072"})
        public String KxN;

        @Param({"1", "2"})
        public int threads;

        int K, N;
        float[] x, w, out;
        PackedMatrix wPacked;
        ComputePool pool;

        @Setup(Level.Trial)
        public void setUp() {
            String[] kn = KxN.split("x");
            K = Integer.parseInt(kn[0]);
            N = Integer.parseInt(kn[1]);
            SplittableRandom rnd = new SplittableRandom(7);
            x = MatmulBench.random(rnd, M * K);
            w = MatmulBench.random(rnd, N * K);
            out = new float[M * N];
            wPacked = PackedMatrix.packTransposed(w, N, K);
            pool = ComputePool.create(threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    @Benchmark
    public float[] vector(Problem p) {
        Matmul.matmulTransposedB(p.pool, p.out, p.x, p.w, p.M, p.K, p.N);
        return p.out;
    }

    @Benchmark
    public float[] packed(Problem p) {
        Matmul.matmul(p.pool, p.out, p.x, p.wPacked, null, p.M);
        return p.out;
    }
}
