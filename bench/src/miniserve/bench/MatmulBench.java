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
 * out[M,N] = x[M,K]·w[K,N] + b on GPT-2-small's projections (768×2304 attention in, 768×768
 * attention out, 768×3072 MLP up, 3072×768 MLP down) and the tutor model's (C=256).
 *
 * <p>{@code vector} and {@code scalar} reuse one w, which then sits in L2/L3 as in a
 * library benchmark. {@code vectorStreamed} cycles through enough copies of w to exceed
 * the 32 MiB L3, so every call reads w from memory, as a decode step of a model larger
 * than the caches does. {@code packed} and {@code packedStreamed} do the same with w in
 * panels ({@link PackedMatrix}), the layout the model computes with.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MatmulBench {

    @State(Scope.Benchmark)
    public static class Problem {
        @Param({"1", "8", "32", "64"})
        public int M;

        /** K×N of w. */
        @Param({"768x2304", "768x768", "768x3072", "3072x768", "256x768", "256x256", "256x1024", "1024x256"})
        public String KxN;

        int K, N;
        float[] x, w, bias, out;

        @Setup(Level.Trial)
        public void setUp() {
            String[] kn = KxN.split("x");
            K = Integer.parseInt(kn[0]);
            N = Integer.parseInt(kn[1]);
            SplittableRandom rnd = new SplittableRandom(42);
            x = random(rnd, M * K);
            w = random(rnd, K * N);
            bias = random(rnd, N);
            out = new float[M * N];
        }
    }

    @State(Scope.Benchmark)
    public static class Threads {
        @Param({"1", "2"})
        public int threads;

        ComputePool pool;

        @Setup(Level.Trial)
        public void start() {
            pool = ComputePool.create(threads);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    /** Copies of w totalling over 96 MiB, used in turn. */
    @State(Scope.Benchmark)
    public static class StreamedWeights {
        float[][] copies;
        int next;

        @Setup(Level.Trial)
        public void setUp(Problem p) {
            long bytes = 4L * p.K * p.N;
            int n = (int) Math.max(2, (96L << 20) / bytes + 1);
            copies = new float[n][];
            for (int i = 0; i < n; i++) copies[i] = p.w.clone();
        }
    }

    /** w packed, once and as many copies as {@link StreamedWeights} holds. */
    @State(Scope.Benchmark)
    public static class PackedWeights {
        PackedMatrix w;
        PackedMatrix[] copies;
        int next;

        @Setup(Level.Trial)
        public void setUp(Problem p) {
            w = PackedMatrix.pack(p.w, p.K, p.N);
            long bytes = 4L * p.K * p.N;
            int n = (int) Math.max(2, (96L << 20) / bytes + 1);
            copies = new PackedMatrix[n];
            for (int i = 0; i < n; i++) copies[i] = PackedMatrix.pack(p.w, p.K, p.N);
        }
    }

    @Benchmark
    public float[] vector(Problem p, Threads t) {
        Matmul.matmul(t.pool, p.out, p.x, p.w, p.bias, p.M, p.K, p.N);
        return p.out;
    }

    @Benchmark
    public float[] vectorStreamed(Problem p, Threads t, StreamedWeights s) {
        float[] w = s.copies[s.next];
        s.next = (s.next + 1) % s.copies.length;
        Matmul.matmul(t.pool, p.out, p.x, w, p.bias, p.M, p.K, p.N);
        return p.out;
    }

    @Benchmark
    public float[] packed(Problem p, Threads t, PackedWeights s) {
        Matmul.matmul(t.pool, p.out, p.x, s.w, p.bias, p.M);
        return p.out;
    }

    @Benchmark
    public float[] packedStreamed(Problem p, Threads t, PackedWeights s) {
        PackedMatrix w = s.copies[s.next];
        s.next = (s.next + 1) % s.copies.length;
        Matmul.matmul(t.pool, p.out, p.x, w, p.bias, p.M);
        return p.out;
    }

    /** The scalar twin (single-threaded: it takes no pool). */
    @Benchmark
    public float[] scalar(Problem p) {
        Matmul.matmulScalar(p.out, p.x, p.w, p.bias, p.M, p.K, p.N);
        return p.out;
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }
}
