package miniserve.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vector matmuls against their scalar twins.
 *
 * <p>{@code matmul} on row-major or panel-packed weights computes every output as its twin does
 * (the bias, then one fma per k in order), so the two must agree bit for bit. The dot-product
 * tiles ({@code matmulTransposedB}, rows of wᵀ) sum lane-parallel partial sums where the twin sums
 * in sequence; error bound: both sides sum the same K products in different orders, so each is within
 * γ_K·S of the exact value, where S = |b| + Σ_k |x[m,k]·w[k,n]| and γ_K = Kε/(1−Kε),
 * ε = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). The test allows
 * |vector − scalar| ≤ 2·γ_(K+1)·S per element: never exceeded by rounding, but any wrong
 * index or missing term is off by the order of S.
 */
class MatmulTest {
    private static ComputePool two;

    @BeforeAll
    static void startPool() {
        two = ComputePool.create(2);
    }

    @AfterAll
    static void stopPool() {
        two.close();
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }

    /** N values around the tile widths: multiples of 16 and 8, and off by a few. */
    static int randomN(SplittableRandom rnd) {
        int[] base = {1, 3, 8, 15, 16, 17, 31, 33, 47, 48, 49, 64, 95, 96, 97, 130};
        return rnd.nextBoolean() ? base[rnd.nextInt(base.length)] : 1 + rnd.nextInt(200);
    }

    static void assertClose(String what, float[] expected, float[] actual, float[] scale, int K) {
        double eps = Math.ulp(1f) / 2;
        double gamma = (K + 1) * eps / (1 - (K + 1) * eps);
        for (int i = 0; i < expected.length; i++) {
            double bound = 2 * gamma * scale[i];
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(what + ": element " + i + " is " + actual[i] + ", scalar twin gives " + expected[i] + " (allowed error " + bound + ")");
            }
        }
    }

    /** The broadcast-form products compute each output as their scalar twin does (one fma per k in order): the same bits. */
    static void assertSameBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", scalar twin gives " + expected[i] + " (the same bits expected)");
            }
        }
    }

    /** Columns [n0, n1) of out (filled with NaN before) have the scalar twin's bits, and no other column was written. */
    static void assertColumnsEqual(String what, float[] expected, float[] out, int M, int N, int n0, int n1) {
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                int i = m * N + n;
                if (n < n0 || n >= n1) {
                    if (!Float.isNaN(out[i])) fail(what + ": wrote column " + n + " outside its range");
                    out[i] = expected[i];
                }
            }
        }
        assertSameBits(what, expected, out);
    }

    /** S[m,n] = |b[n]| + Σ_k |x[m,k]·w[k,n]|, in double. */
    static float[] magnitudes(float[] x, float[] w, float[] bias, int M, int K, int N, boolean transposedB) {
        float[] s = new float[M * N];
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                double acc = bias == null ? 0 : Math.abs(bias[n]);
                for (int k = 0; k < K; k++) acc += Math.abs((double) x[m * K + k] * (transposedB ? w[n * K + k] : w[k * N + n]));
                s[m * N + n] = (float) acc;
            }
        }
        return s;
    }

    @Test
    void matmulMatchesScalarOnRandomShapesWithTails() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int M = 1; M <= 37; M++) {
            for (int rep = 0; rep < 3; rep++) {
                int K = 1 + 2 * rnd.nextInt(150); // odd
                int N = randomN(rnd);
                float[] x = random(rnd, M * K), w = random(rnd, K * N);
                float[] bias = rep == 1 ? null : random(rnd, N);
                float[] expected = new float[M * N];
                Matmul.matmulScalar(expected, x, w, bias, M, K, N);
                for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                    float[] out = new float[M * N];
                    Arrays.fill(out, Float.NaN);
                    Matmul.matmul(pool, out, x, w, bias, M, K, N);
                    assertSameBits("matmul M=" + M + " K=" + K + " N=" + N + " threads=" + pool.threads(), expected, out);
                }
            }
        }
    }

    @Test
    void productsLargeEnoughToSplitMatchScalarOnTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(15);
        // Above the split thresholds: many multiply-adds, or few rows against large weights.
        int[][] shapes = {{37, 517, 449}, {3, 1031, 1047}, {1, 1024, 1025}};
        for (int[] shape : shapes) {
            int M = shape[0], K = shape[1], N = shape[2];
            assertTrue(Matmul.split(two, M, K, N), "shape " + Arrays.toString(shape) + " is split");
            assertTrue(!Matmul.split(ComputePool.serial(), M, K, N));
            float[] x = random(rnd, M * K), w = random(rnd, K * N), bias = random(rnd, N);
            float[] expected = new float[M * N], out = new float[M * N];
            Matmul.matmulScalar(expected, x, w, bias, M, K, N);
            Arrays.fill(out, Float.NaN);
            Matmul.matmul(two, out, x, w, bias, M, K, N);
            assertSameBits("matmul split " + Arrays.toString(shape), expected, out);
            float[] wt = random(rnd, N * K), expectedT = new float[M * N], outT = new float[M * N];
            Matmul.matmulTransposedBScalar(expectedT, x, wt, M, K, N);
            Arrays.fill(outT, Float.NaN);
            Matmul.matmulTransposedB(two, outT, x, wt, M, K, N);
            assertClose("transposed split " + Arrays.toString(shape), expectedT, outT, magnitudes(x, wt, null, M, K, N, true), K);
        }
        assertTrue(!Matmul.split(two, 8, 256, 1024), "a decode step's product of a small model runs on the caller");
    }

    @Test
    void bothTileFamiliesMatchScalarAndWriteOnlyTheirColumns() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int rep = 0; rep < 120; rep++) {
            int M = 1 + rnd.nextInt(37);
            int K = 1 + rnd.nextInt(300); // crosses the 16- and 256-row k blocks
            int N = randomN(rnd);
            int n0 = rnd.nextInt(N), n1 = n0 + 1 + rnd.nextInt(N - n0);
            float[] x = random(rnd, M * K), w = random(rnd, K * N), bias = rnd.nextBoolean() ? null : random(rnd, N);
            float[] expected = new float[M * N];
            Matmul.matmulScalar(expected, x, w, bias, M, K, N);
            for (boolean wide : new boolean[] {true, false}) {
                float[] out = new float[M * N];
                Arrays.fill(out, Float.NaN);
                Matmul.matmulColumns(wide, out, x, w, bias, M, K, N, n0, n1);
                assertColumnsEqual((wide ? "wide" : "narrow") + " tiles M=" + M + " K=" + K + " N=" + N + " columns " + n0 + ".." + n1,
                        expected, out, M, N, n0, n1);
            }
        }
    }

    /** The packed layout: M 1..37 (both k regimes), N around the panel widths, serial and split, against the scalar twin. */
    @Test
    void packedMatmulMatchesScalarOnRandomShapesWithTails() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int M = 1; M <= 37; M++) {
            for (int rep = 0; rep < 3; rep++) {
                int K = 1 + 2 * rnd.nextInt(150);
                int N = randomN(rnd);
                float[] x = random(rnd, M * K), w = random(rnd, K * N);
                float[] bias = rep == 1 ? null : random(rnd, N);
                float[] expected = new float[M * N];
                Matmul.matmulScalar(expected, x, w, bias, M, K, N);
                PackedMatrix packed = PackedMatrix.pack(w, K, N);
                assertTrue(packed.rows() == K && packed.columns() == N);
                float[] wt = new float[N * K]; // the same w stored transposed, as the LM head's token embedding
                for (int k = 0; k < K; k++) for (int n = 0; n < N; n++) wt[n * K + k] = w[k * N + n];
                PackedMatrix fromTransposed = PackedMatrix.packTransposed(wt, N, K);
                assertTrue(Arrays.equals(packed.panels, fromTransposed.panels) && Arrays.equals(packed.tail, fromTransposed.tail),
                        "packTransposed(wᵀ) lays out w as pack(w) does, K=" + K + " N=" + N);
                for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                    float[] out = new float[M * N];
                    Arrays.fill(out, Float.NaN);
                    Matmul.matmul(pool, out, x, packed, bias, M);
                    assertSameBits("packed matmul M=" + M + " K=" + K + " N=" + N + " threads=" + pool.threads(), expected, out);
                }
            }
        }
        // Large enough to be split over the pool, on panel boundaries, and with many rows (blocked k).
        int[][] shapes = {{3, 1031, 1047}, {1, 1024, 1025}, {70, 300, 500}};
        for (int[] shape : shapes) {
            int M = shape[0], K = shape[1], N = shape[2];
            float[] x = random(rnd, M * K), w = random(rnd, K * N), bias = random(rnd, N);
            float[] expected = new float[M * N], out = new float[M * N];
            Matmul.matmulScalar(expected, x, w, bias, M, K, N);
            Arrays.fill(out, Float.NaN);
            Matmul.matmul(two, out, x, PackedMatrix.pack(w, K, N), bias, M);
            assertSameBits("packed matmul " + Arrays.toString(shape), expected, out);
        }
    }

    /**
     * Training's refreshed panels: panels(K, N) from w and panelsOfTransposed(N, K) from wᵀ
     * lay out exactly what pack(w) does, serial and split, and follow a change of w at the next refresh.
     */
    @Test
    void refreshedPanelsMatchPackAndFollowChangesOfW() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (int rep = 0; rep < 40; rep++) {
            int K = 1 + rnd.nextInt(rep < 30 ? 120 : 400);
            int N = randomN(rnd);
            ComputePool pool = rep % 2 == 0 ? two : ComputePool.serial();
            PackedMatrix fromW = PackedMatrix.panels(K, N), fromWt = PackedMatrix.panelsOfTransposed(N, K);
            for (int change = 0; change < 2; change++) {
                float[] w = random(rnd, K * N);
                float[] wt = new float[N * K];
                for (int k = 0; k < K; k++) for (int n = 0; n < N; n++) wt[n * K + k] = w[k * N + n];
                fromW.refresh(pool, w);
                fromWt.refresh(pool, wt);
                PackedMatrix expected = PackedMatrix.pack(w, K, N);
                for (PackedMatrix p : new PackedMatrix[] {fromW, fromWt}) {
                    assertTrue(Arrays.equals(expected.panels, p.panels) && Arrays.equals(expected.tail, p.tail),
                            "refreshed panels equal pack(w), K=" + K + " N=" + N + " change " + change);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PackedMatrix.panels(2, 3).refresh(two, new float[5]));
    }

    @Test
    void bothPackedTileFamiliesMatchScalarAndWriteOnlyTheirColumns() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int rep = 0; rep < 120; rep++) {
            int M = 1 + rnd.nextInt(37);
            int K = 1 + rnd.nextInt(300);
            int N = randomN(rnd);
            float[] x = random(rnd, M * K), w = random(rnd, K * N), bias = rnd.nextBoolean() ? null : random(rnd, N);
            float[] expected = new float[M * N];
            Matmul.matmulScalar(expected, x, w, bias, M, K, N);
            for (boolean wide : new boolean[] {true, false}) {
                PackedMatrix packed = PackedMatrix.pack(w, K, N, wide);
                // a range as the pool cuts it: starting on a panel, ending on one or at N
                int panels = (N + packed.width - 1) / packed.width;
                int p0 = rnd.nextInt(panels), p1 = p0 + 1 + rnd.nextInt(panels - p0);
                int n0 = p0 * packed.width, n1 = Math.min(N, p1 * packed.width);
                float[] out = new float[M * N];
                Arrays.fill(out, Float.NaN);
                Matmul.packedColumns(wide, out, x, packed, bias, M, n0, n1);
                assertColumnsEqual((wide ? "wide" : "narrow") + " packed tiles M=" + M + " K=" + K + " N=" + N + " columns " + n0 + ".." + n1,
                        expected, out, M, N, n0, n1);
            }
        }
    }

    @Test
    void matmulHandlesManyRowsAndLongK() {
        SplittableRandom rnd = new SplittableRandom(13);
        int[][] shapes = {{600, 33, 50}, {520, 300, 49}, {40, 513, 70}, {16, 700, 33}, {17, 257, 96}};
        for (int[] s : shapes) {
            int M = s[0], K = s[1], N = s[2];
            float[] x = random(rnd, M * K), w = random(rnd, K * N), bias = random(rnd, N);
            float[] expected = new float[M * N], out = new float[M * N];
            Matmul.matmulScalar(expected, x, w, bias, M, K, N);
            Matmul.matmul(two, out, x, w, bias, M, K, N);
            assertSameBits("matmul M=" + M + " K=" + K + " N=" + N, expected, out);
        }
    }

    @Test
    void emptyKGivesTheBias() {
        float[] bias = {1f, -2f, 3f};
        float[] out = new float[6];
        Matmul.matmul(two, out, new float[0], new float[0], bias, 2, 0, 3);
        assertEquals(Arrays.toString(new float[] {1f, -2f, 3f, 1f, -2f, 3f}), Arrays.toString(out));
        Matmul.matmul(two, out, new float[0], new float[0], null, 2, 0, 3);
        assertEquals(Arrays.toString(new float[6]), Arrays.toString(out));
    }

    @Test
    void transposedBMatchesScalarOnRandomShapesWithTails() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int M = 1; M <= 37; M++) {
            for (int rep = 0; rep < 2; rep++) {
                int K = 1 + 2 * rnd.nextInt(120);
                int N = randomN(rnd);
                float[] x = random(rnd, M * K), w = random(rnd, N * K);
                float[] expected = new float[M * N];
                Matmul.matmulTransposedBScalar(expected, x, w, M, K, N);
                float[] scale = magnitudes(x, w, null, M, K, N, true);
                for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                    float[] out = new float[M * N];
                    Arrays.fill(out, Float.NaN);
                    Matmul.matmulTransposedB(pool, out, x, w, M, K, N);
                    assertClose("matmulTransposedB M=" + M + " K=" + K + " N=" + N + " threads=" + pool.threads(), expected, out, scale, K);
                }
                for (boolean wide : new boolean[] {true, false}) {
                    float[] out = new float[M * N];
                    Matmul.transposedColumns(wide, out, x, w, M, K, N, 0, N);
                    assertClose("transposed " + (wide ? "wide" : "narrow") + " M=" + M + " K=" + K + " N=" + N, expected, out, scale, K);
                }
            }
        }
    }

    @Test
    void shapeErrorsAreClear() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Matmul.matmul(two, new float[4], new float[3], new float[4], null, 2, 2, 2));
        assertEquals("matmul: x has 3 floats, needs M*K=4", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Matmul.matmul(two, new float[4], new float[4], new float[4], new float[1], 2, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Matmul.matmulTransposedB(two, new float[3], new float[4], new float[4], 2, 2, 2));
    }
}
