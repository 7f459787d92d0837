package miniserve.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * LayerNorm, GELU, softmax, the residual add and argmax against their scalar twins, on
 * lengths around the vector width (tails) and a few model widths. Each bound is
 * |vector − scalar| ≤ atol + rtol·|scalar|, stated per test.
 */
class SmallKernelsTest {

    static final int[] LENGTHS = {1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 255, 256, 257, 768, 1001};

    static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return a;
    }

    static void assertClose(String what, float[] expected, float[] actual, int n, double atol, double rtol) {
        for (int i = 0; i < n; i++) {
            double bound = atol + rtol * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(what + ": element " + i + " is " + actual[i] + ", scalar twin gives " + expected[i] + " (allowed " + bound + ")");
            }
        }
    }

    /** Rows of mean ~offset and spread ~scale; outputs are O(|gamma|·3) so the bound is 1e-5 absolute + 1e-5 relative. */
    @Test
    void layerNormMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int C : LENGTHS) {
            int M = 1 + rnd.nextInt(5);
            float[] x = random(rnd, M * C, 2);
            for (int i = 0; i < x.length; i++) x[i] += 0.5f;
            float[] gamma = random(rnd, C, 1.5), beta = random(rnd, C, 1);
            float[] expected = new float[M * C], out = new float[M * C];
            LayerNorm.layerNormScalar(expected, x, gamma, beta, M, C, 1e-5f);
            LayerNorm.layerNorm(out, x, gamma, beta, M, C, 1e-5f);
            assertClose("layerNorm C=" + C, expected, out, M * C, 1e-5, 1e-5);
            LayerNorm.layerNorm(x, x, gamma, beta, M, C, 1e-5f); // in place
            assertClose("layerNorm in place C=" + C, expected, x, M * C, 1e-5, 1e-5);
        }
    }

    /** Inputs in [-8, 8]; the exp form differs from 0.5x(1+tanh u) by a few ulps: 1e-6 absolute + 1e-5 relative. */
    @Test
    void geluMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int n : LENGTHS) {
            float[] x = random(rnd, n, 8);
            float[] expected = new float[n], out = new float[n];
            Gelu.geluScalar(expected, x, n);
            Gelu.gelu(out, x, n);
            assertClose("gelu n=" + n, expected, out, n, 1e-6, 1e-5);
            Gelu.gelu(x, x, n);
            assertClose("gelu in place n=" + n, expected, x, n, 1e-6, 1e-5);
        }
        float[] special = {0f, -0f, 30f, -30f, 1e-30f, -1e-30f, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] expected = new float[special.length], out = new float[special.length];
        Gelu.geluScalar(expected, special, special.length);
        Gelu.gelu(out, special, special.length);
        assertClose("gelu at extremes", expected, out, special.length, 1e-6, 1e-5);
    }

    /** Scores spread over [-20, 20] so the max shift matters; probabilities within 1e-7 absolute + 1e-5 relative. */
    @Test
    void softmaxMatchesScalarAndSumsToOne() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int n : LENGTHS) {
            int off = rnd.nextInt(5);
            float[] x = random(rnd, off + n + 3, 20);
            float[] expected = x.clone(), out = x.clone();
            Softmax.softmaxScalar(expected, off, n);
            Softmax.softmax(out, off, n);
            for (int i = 0; i < off; i++) assertEquals(x[i], out[i], "softmax wrote before its range");
            for (int i = off + n; i < x.length; i++) assertEquals(x[i], out[i], "softmax wrote past its range");
            float[] e = new float[n], a = new float[n];
            System.arraycopy(expected, off, e, 0, n);
            System.arraycopy(out, off, a, 0, n);
            assertClose("softmax n=" + n, e, a, n, 1e-7, 1e-5);
            double sum = 0;
            for (float p : a) sum += p;
            assertEquals(1.0, sum, 1e-5, "softmax n=" + n + " sums to " + sum);
        }
    }

    @Test
    void addInPlaceMatchesScalarExactly() {
        SplittableRandom rnd = new SplittableRandom(24);
        for (int n : LENGTHS) {
            float[] acc = random(rnd, n + 2, 3), x = random(rnd, n + 2, 3);
            float[] expected = acc.clone();
            Elementwise.addInPlaceScalar(expected, x, n);
            Elementwise.addInPlace(acc, x, n);
            assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(acc), "addInPlace n=" + n);
        }
    }

    @Test
    void argmaxMatchesScalarIncludingTies() {
        SplittableRandom rnd = new SplittableRandom(25);
        for (int n : LENGTHS) {
            for (int rep = 0; rep < 20; rep++) {
                int off = rnd.nextInt(4);
                float[] x = random(rnd, off + n, 5);
                if (rep % 3 == 1) { // a tie: the same maximum at two places
                    int a = rnd.nextInt(n), b = rnd.nextInt(n);
                    x[off + a] = 7f;
                    x[off + b] = 7f;
                }
                if (rep % 3 == 2) java.util.Arrays.fill(x, off, off + n, -1f); // all equal: index 0
                assertEquals(Elementwise.argmaxScalar(x, off, n), Elementwise.argmax(x, off, n), "argmax n=" + n + " rep=" + rep);
            }
        }
        float[] withNaN = {1f, Float.NaN, 3f, 2f};
        assertEquals(Elementwise.argmaxScalar(withNaN, 0, 4), Elementwise.argmax(withNaN, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Elementwise.argmax(new float[3], 0, 0));
    }
}
