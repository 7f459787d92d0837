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

    /** Tokens of several rows with their own lengths, prefill chunks and decode tokens mixed, as a continuous batch has them. */
    @Test
    void rowsMatchScalarOnRandomShapesWithTails() {
        SplittableRandom rnd = new SplittableRandom(33);
        int[][] heads = {{1, 1}, {5, 1}, {16, 2}, {24, 3}, {64, 1}, {128, 2}, {68, 4}, {192, 3}, {40, 5}};
        for (int rep = 0; rep < 60; rep++) {
            int[] h = heads[rep % heads.length];
            int C = h[0], nHead = h[1];
            int rows = 1 + rnd.nextInt(6), Tmax = 1 + rnd.nextInt(50);
            // each used row contributes a run of consecutive positions ending at its current length
            int R = 0;
            int[] row = new int[rows * Tmax], pos = new int[rows * Tmax];
            for (int b = 0; b < rows; b++) {
                if (rnd.nextInt(4) == 0) continue; // an idle row
                int len = 1 + rnd.nextInt(Tmax);
                int count = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(len); // a decode token or a prefill chunk
                for (int t = len - count; t < len; t++) {
                    row[R] = b;
                    pos[R++] = t;
                }
            }
            float[] q = random(rnd, R * C), k = random(rnd, rows * Tmax * C), v = random(rnd, rows * Tmax * C);
            float[] expected = new float[R * C];
            Attention.attentionRowsScalar(expected, q, k, v, row, pos, R, Tmax, C, nHead);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                float[] out = new float[R * C];
                Arrays.fill(out, Float.NaN);
                Attention.attentionRows(pool, out, q, k, v, row, pos, R, Tmax, C, nHead);
                assertClose("attentionRows R=" + R + " Tmax=" + Tmax + " C=" + C + " nHead=" + nHead
                        + " threads=" + pool.threads(), expected, out);
            }
        }
    }

    /** A row's tokens see only their own row's slots up to their own position, and agree with the padded kernel. */
    @Test
    void rowsSeeOnlyTheirOwnRowAndAgreeWithThePaddedKernel() {
        SplittableRandom rnd = new SplittableRandom(34);
        int rows = 3, Tmax = 12, C = 32, nHead = 4;
        float[] k = random(rnd, rows * Tmax * C), v = random(rnd, rows * Tmax * C);
        // row 1: a prefill of positions 0..6; row 2: one decode token at position 9
        int[] row = {1, 1, 1, 1, 1, 1, 1, 2}, pos = {0, 1, 2, 3, 4, 5, 6, 9};
        int R = row.length;
        float[] q = random(rnd, R * C);
        float[] out = new float[R * C];
        Attention.attentionRows(two, out, q, k, v, row, pos, R, Tmax, C, nHead);

        float[] k2 = k.clone(), v2 = v.clone();
        for (int b = 0; b < rows; b++) {
            int seen = b == 1 ? 7 : b == 2 ? 10 : 0; // slots any token of the row attends to
            for (int s = seen; s < Tmax; s++) {
                for (int c = 0; c < C; c++) {
                    k2[(b * Tmax + s) * C + c] = 1000f;
                    v2[(b * Tmax + s) * C + c] = -1000f;
                }
            }
        }
        float[] out2 = new float[R * C];
        Attention.attentionRows(two, out2, q, k2, v2, row, pos, R, Tmax, C, nHead);
        assertArrayEquals(out, out2, "another row's slots, or slots after a token's position, changed the output");

        // Row 1's prefill as the padded kernel computes it: one row without padding, cache starting at row 1.
        float[] kRow = Arrays.copyOfRange(k, Tmax * C, 2 * Tmax * C), vRow = Arrays.copyOfRange(v, Tmax * C, 2 * Tmax * C);
        float[] padded = new float[7 * C];
        Attention.attention(ComputePool.serial(), padded, Arrays.copyOf(q, 7 * C), kRow, vRow, new int[] {0}, 1, 7, 0, Tmax, C, nHead);
        assertArrayEquals(padded, Arrays.copyOf(out, 7 * C), "the prefill of one row differs from the padded kernel's");
    }

    @Test
    void badShapesAreRejected() {
        float[] a = new float[64];
        assertThrows(IllegalArgumentException.class, () -> Attention.attention(two, a, a, a, a, new int[] {0}, 1, 1, 0, 1, 30, 4));
        assertThrows(IllegalArgumentException.class, () -> Attention.attention(two, a, a, a, a, new int[] {0}, 1, 2, 1, 2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.attention(two, a, a, a, a, new int[] {-1}, 1, 1, 0, 1, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.attentionRows(two, a, a, a, a, new int[] {0}, new int[] {2}, 1, 2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.attentionRows(two, a, a, a, a, new int[] {8}, new int[] {0}, 1, 2, 8, 2));
    }
}
