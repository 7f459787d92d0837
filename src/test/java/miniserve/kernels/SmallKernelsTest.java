package miniserve.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * LayerNorm, GELU, the embedding and cross-entropy (forward and backward), softmax, the
 * residual add and argmax against their scalar twins, on lengths around the vector width
 * (tails) and a few model widths. Exact where the vector form does the twin's operations in the
 * twin's order; otherwise |vector − scalar| ≤ atol + rtol·|scalar|, stated per test.
 */
class SmallKernelsTest {

    private static final ComputePool TWO = ComputePool.create(2);

    @AfterAll
    static void closePool() {
        TWO.close();
    }

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

    /**
     * Rows of mean ~offset and spread ~scale, split over the pool or not: the vector form sums
     * each row in the twin's order, so the two agree bit for bit, statistics included.
     */
    @Test
    void layerNormForwardMatchesScalarExactly() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int C : LENGTHS) {
            int R = C < 300 ? 1 + rnd.nextInt(70) : 1 + rnd.nextInt(9);
            float[] x = random(rnd, R * C, 2);
            for (int i = 0; i < x.length; i++) x[i] += 0.5f;
            float[] gamma = random(rnd, C, 1.5), beta = random(rnd, C, 1);
            float[] expected = new float[R * C], mean = new float[R], rstd = new float[R];
            LayerNorm.forwardScalar(expected, mean, rstd, x, gamma, beta, R, C, 1e-5f);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), TWO}) {
                float[] out = new float[R * C], m = new float[R], r = new float[R];
                LayerNorm.forward(pool, out, m, r, x, gamma, beta, R, C, 1e-5f);
                assertArrayEquals(expected, out, "layerNorm C=" + C + " R=" + R);
                assertArrayEquals(mean, m, "mean C=" + C);
                assertArrayEquals(rstd, r, "rstd C=" + C);
            }
            float[] inPlace = x.clone();
            LayerNorm.forward(ComputePool.serial(), inPlace, null, null, inPlace, gamma, beta, R, C, 1e-5f);
            assertArrayEquals(expected, inPlace, "layerNorm in place C=" + C);
            // and it is a layer norm: each row of (out - beta)/gamma has mean 0 and variance 1
            double m0 = 0, v0 = 0;
            for (int c = 0; c < C; c++) m0 += (expected[c] - beta[c]) / gamma[c];
            m0 /= C;
            for (int c = 0; c < C; c++) v0 += Math.pow((expected[c] - beta[c]) / gamma[c] - m0, 2);
            assertEquals(0, m0, 1e-3, "mean of row 0, C=" + C);
            if (C > 1) assertEquals(1, v0 / C, 2e-2, "variance of row 0, C=" + C);
        }
    }

    @Test
    void layerNormBackwardMatchesScalarExactly() {
        SplittableRandom rnd = new SplittableRandom(26);
        for (int C : LENGTHS) {
            int R = 1 + rnd.nextInt(40);
            float[] x = random(rnd, R * C, 2), weight = random(rnd, C, 1.5), bias = random(rnd, C, 1), dout = random(rnd, R * C, 1);
            float[] out = new float[R * C], mean = new float[R], rstd = new float[R];
            LayerNorm.forwardScalar(out, mean, rstd, x, weight, bias, R, C, 1e-5f);
            float[] dx0 = random(rnd, R * C, 1), dw0 = random(rnd, C, 1), db0 = random(rnd, C, 1); // gradients accumulate
            float[] dx = dx0.clone(), dw = dw0.clone(), db = db0.clone();
            LayerNorm.backwardScalar(dx, dw, db, dout, x, weight, mean, rstd, R, C);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), TWO}) {
                float[] vdx = dx0.clone(), vdw = dw0.clone(), vdb = db0.clone();
                LayerNorm.backward(pool, vdx, vdw, vdb, dout, x, weight, mean, rstd, R, C);
                assertArrayEquals(dx, vdx, "dx C=" + C + " R=" + R);
                assertArrayEquals(dw, vdw, "dweight C=" + C);
                assertArrayEquals(db, vdb, "dbias C=" + C);
            }
        }
    }

    /**
     * Inputs in [-8, 8] and at the extremes: the vector form and its twin agree bit for bit,
     * th is tanh(u) within 3e-7, out is 0.5·x·(1 + tanh u) within 2e-6 (ReproducibleMathTest has tanh's ulps).
     */
    @Test
    void geluForwardMatchesScalarExactlyAndItsDefinition() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int n : LENGTHS) {
            float[] x = random(rnd, n, 8);
            float[] expected = new float[n], th = new float[n];
            Gelu.forwardScalar(expected, th, x, n);
            for (int i = 0; i < n; i++) {
                double t = Math.tanh(Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * x[i] * x[i] * x[i]));
                assertEquals(t, th[i], 3e-7, "tanh at " + x[i]);
                assertEquals(0.5 * x[i] * (1 + t), expected[i], 2e-6, "gelu at " + x[i]);
            }
            float[] out = new float[n], vth = new float[n];
            Gelu.forward(ComputePool.serial(), out, vth, x, n);
            assertArrayEquals(expected, out, "gelu n=" + n);
            assertArrayEquals(th, vth, "tanh n=" + n);
            Gelu.forward(TWO, x, null, x, n); // in place, nothing kept
            assertArrayEquals(expected, x, "gelu in place n=" + n);
        }
        float[] special = {0f, -0f, 30f, -30f, 1e-30f, -1e-30f, 200f, -200f};
        float[] expected = new float[special.length], out = new float[special.length];
        Gelu.forwardScalar(expected, null, special, special.length);
        Gelu.forward(ComputePool.serial(), out, null, special, special.length);
        assertArrayEquals(expected, out, "gelu at extremes");
        assertEquals(30f, out[2]);
        assertEquals(0f, out[3], 1e-30);
    }

    @Test
    void geluBackwardMatchesScalarExactlyAndTheDerivative() {
        SplittableRandom rnd = new SplittableRandom(27);
        for (int n : LENGTHS) {
            float[] x = random(rnd, n, 6), th = new float[n], out = new float[n], d = random(rnd, n, 1);
            Gelu.forwardScalar(out, th, x, n);
            float[] expected = d.clone();
            Gelu.backwardScalar(expected, x, th, n);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), TWO}) {
                float[] actual = d.clone();
                Gelu.backward(pool, actual, x, th, n);
                assertArrayEquals(expected, actual, "gelu backward n=" + n);
            }
            for (int i = 0; i < n; i++) {
                double h = 1e-3, xi = x[i];
                double slope = (geluDouble(xi + h) - geluDouble(xi - h)) / (2 * h);
                assertEquals(d[i] * slope, expected[i], 1e-5 + 1e-4 * Math.abs(d[i] * slope), "gelu'(" + xi + ")");
            }
        }
    }

    private static double geluDouble(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** Negative positions (padding) give zero rows and no gradient; the rest is wte[token] + wpe[position]. */
    @Test
    void embeddingForwardAndBackwardMatchScalarExactly() {
        SplittableRandom rnd = new SplittableRandom(28);
        for (int C : new int[] {1, 7, 16, 17, 48, 100}) {
            int V = 11, P = 30, R = 1 + rnd.nextInt(40);
            float[] wte = random(rnd, V * C, 1), wpe = random(rnd, P * C, 1);
            int[] tokens = new int[R], positions = new int[R];
            for (int r = 0; r < R; r++) {
                tokens[r] = rnd.nextInt(V);
                positions[r] = rnd.nextInt(4) == 0 ? -1 - rnd.nextInt(3) : rnd.nextInt(P);
            }
            float[] expected = new float[R * C], out = new float[R * C];
            Arrays.fill(out, Float.NaN);
            Embedding.forwardScalar(expected, tokens, positions, wte, wpe, R, C);
            Embedding.forward(out, tokens, positions, wte, wpe, R, C);
            assertArrayEquals(expected, out, "embedding C=" + C);
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    float want = positions[r] < 0 ? 0f : wte[tokens[r] * C + c] + wpe[positions[r] * C + c];
                    assertEquals(want, out[r * C + c], "token " + r + " channel " + c);
                }
            }
            float[] dout = random(rnd, R * C, 1);
            float[] dwte = random(rnd, V * C, 1), dwpe = random(rnd, P * C, 1);
            float[] edwte = dwte.clone(), edwpe = dwpe.clone();
            Embedding.backwardScalar(edwte, edwpe, dout, tokens, positions, R, C);
            Embedding.backward(TWO, dwte, dwpe, dout, tokens, positions, R, C);
            assertArrayEquals(edwte, dwte, "dwte C=" + C);
            assertArrayEquals(edwpe, dwpe, "dwpe C=" + C);
        }
    }

    /** Loss −log p(target) and gradient (p − onehot)/R; the softmax inside differs from the twin's in the last bits. */
    @Test
    void crossEntropyForwardAndBackwardMatchScalar() {
        SplittableRandom rnd = new SplittableRandom(29);
        for (int V : new int[] {1, 5, 16, 17, 100, 1001}) {
            int R = 1 + rnd.nextInt(9);
            float[] logits = random(rnd, R * V, 6);
            int[] targets = new int[R];
            for (int r = 0; r < R; r++) targets[r] = rnd.nextInt(V);
            float[] expected = logits.clone(), expectedLoss = new float[R];
            CrossEntropy.forwardScalar(expected, expectedLoss, targets, R, V);
            for (int r = 0; r < R; r++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int v = 0; v < V; v++) max = Math.max(max, logits[r * V + v]);
                for (int v = 0; v < V; v++) sum += Math.exp(logits[r * V + v] - max);
                assertEquals(Math.log(sum) + max - logits[r * V + targets[r]], expectedLoss[r], 1e-5, "loss of row " + r);
            }
            float[] probs = logits.clone(), loss = new float[R];
            CrossEntropy.forward(TWO, probs, loss, targets, R, V);
            assertClose("cross-entropy loss V=" + V, expectedLoss, loss, R, 1e-6, 1e-5);
            assertClose("probabilities V=" + V, expected, probs, R * V, 1e-7, 1e-5);
            float[] p = probs.clone(), grad = probs.clone();
            CrossEntropy.backwardScalar(grad, targets, R, V);
            CrossEntropy.backward(TWO, probs, targets, R, V);
            assertArrayEquals(grad, probs, "d(logits) V=" + V);
            for (int i = 0; i < R * V; i++)
                assertEquals((p[i] - (targets[i / V] == i % V ? 1 : 0)) / R, grad[i], 1e-7, "d(logits)[" + i + "] V=" + V);
        }
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
