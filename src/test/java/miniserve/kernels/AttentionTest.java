package miniserve.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attention against its scalar twin, and the mask semantics of its javadoc: pad keys
 * have no influence, pad queries give zeros. Bound: |vector − scalar| ≤ 1e-5 + 1e-4·|scalar|
 * (scores and values are O(1); the two sides sum in different orders and use different exps).
 */
class AttentionTest {
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

    static void assertClose(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            double bound = 1e-5 + 1e-4 * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(what + ": element " + i + " is " + actual[i] + ", scalar twin gives " + expected[i]);
            }
        }
    }

    @Test
    void matchesScalarOnRandomShapesWithPadding() {
        SplittableRandom rnd = new SplittableRandom(31);
        int[][] heads = {{1, 1}, {5, 1}, {16, 2}, {24, 3}, {64, 1}, {128, 2}, {68, 4}, {192, 3}, {40, 5}};
        for (int rep = 0; rep < 60; rep++) {
            int[] h = heads[rep % heads.length];
            int C = h[0], nHead = h[1];
            int B = 1 + rnd.nextInt(5);
            boolean decode = rep % 2 == 0;
            int Tq = decode ? 1 : 1 + rnd.nextInt(20);
            int pos0 = decode ? rnd.nextInt(40) : rnd.nextInt(3);
            int Tmax = pos0 + Tq + rnd.nextInt(4);
            int[] firstValid = new int[B];
            for (int b = 0; b < B; b++) firstValid[b] = rnd.nextInt(pos0 + Tq + 2); // some rows' queries are all padding
            float[] q = random(rnd, B * Tq * C), k = random(rnd, B * Tmax * C), v = random(rnd, B * Tmax * C);
            float[] expected = new float[B * Tq * C];
            Attention.attentionScalar(expected, q, k, v, firstValid, B, Tq, pos0, Tmax, C, nHead);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                float[] out = new float[B * Tq * C];
                Arrays.fill(out, Float.NaN);
                Attention.attention(pool, out, q, k, v, firstValid, B, Tq, pos0, Tmax, C, nHead);
                assertClose("attention B=" + B + " Tq=" + Tq + " pos0=" + pos0 + " C=" + C + " nHead=" + nHead
                        + " firstValid=" + Arrays.toString(firstValid) + " threads=" + pool.threads(), expected, out);
            }
        }
    }

    @Test
    void padKeysDoNotMatterAndPadQueriesAreZero() {
        SplittableRandom rnd = new SplittableRandom(32);
        int B = 3, Tq = 6, pos0 = 2, Tmax = 10, C = 32, nHead = 2;
        int[] firstValid = {0, 4, 9}; // row 2: every query (slots 2..7) is padding
        float[] q = random(rnd, B * Tq * C), k = random(rnd, B * Tmax * C), v = random(rnd, B * Tmax * C);
        float[] out = new float[B * Tq * C];
        Attention.attention(two, out, q, k, v, firstValid, B, Tq, pos0, Tmax, C, nHead);

        // Scribble over every masked slot of k and v (pads, and slots after the last query).
        float[] k2 = k.clone(), v2 = v.clone();
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < Tmax; s++) {
                if (s >= firstValid[b] && s < pos0 + Tq) continue;
                for (int c = 0; c < C; c++) {
                    k2[(b * Tmax + s) * C + c] = 1000f;
                    v2[(b * Tmax + s) * C + c] = -1000f;
                }
            }
        }
        float[] out2 = new float[B * Tq * C];
        Attention.attention(two, out2, q, k2, v2, firstValid, B, Tq, pos0, Tmax, C, nHead);
        assertArrayEquals(out, out2, "masked slots changed the output");

        for (int t = 0; t < Tq; t++) {
            boolean pad = pos0 + t < firstValid[1];
            for (int c = 0; c < C; c++) {
                float o = out[(1 * Tq + t) * C + c];
                if (pad) assertEquals(0f, o, "row 1 query " + t + " is padding");
            }
        }
        for (int i = 2 * Tq * C; i < 3 * Tq * C; i++) assertEquals(0f, out[i], "row 2 is all padding");
        // Row 1, first real query (slot 4) sees only itself: its output is v at slot 4.
        for (int c = 0; c < C; c++) assertEquals(v[(1 * Tmax + 4) * C + c], out[(1 * Tq + 2) * C + c], 1e-6);
    }

    @Test
    void badShapesAreRejected() {
        float[] a = new float[64];
        assertThrows(IllegalArgumentException.class, () -> Attention.attention(two, a, a, a, a, new int[] {0}, 1, 1, 0, 1, 30, 4));
        assertThrows(IllegalArgumentException.class, () -> Attention.attention(two, a, a, a, a, new int[] {0}, 1, 2, 1, 2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.attention(two, a, a, a, a, new int[] {-1}, 1, 1, 0, 1, 8, 2));
    }
}
