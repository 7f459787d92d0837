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
 * Attention forward and backward against their scalar twins, in the three ways the models place
 * their tokens (a left-padded batch, rows of a continuous batch with their own lengths, a
 * right-padded training batch), and the mask semantics of the class comment: pad keys and other
 * rows have no influence, pad queries give zeros, a row's result does not depend on its left
 * padding. Bound: |vector − scalar| ≤ 1e-5 + 1e-4·|scalar| (scores and values are O(1); the two
 * sides sum in different orders and use different exps).
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

    /** Where R queries are: each one's row and slot, and each row's first real slot (or null). */
    private record Placement(int R, int[] row, int[] slot, int[] first) {
        /** B left-padded rows, queries at slots pos0 .. pos0+Tq-1 (as Gpt's prefill and decode). */
        static Placement padded(int B, int Tq, int pos0, int[] first) {
            int[] row = new int[B * Tq], slot = new int[B * Tq];
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < Tq; t++) {
                    row[b * Tq + t] = b;
                    slot[b * Tq + t] = pos0 + t;
                }
            }
            return new Placement(B * Tq, row, slot, first);
        }

        /** B right-padded rows of T slots (as training): slot -1 from lengths[b] on. */
        static Placement rightPadded(int B, int T, int[] lengths) {
            int[] row = new int[B * T], slot = new int[B * T];
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < T; t++) {
                    row[b * T + t] = b;
                    slot[b * T + t] = t < lengths[b] ? t : -1;
                }
            }
            return new Placement(B * T, row, slot, null);
        }

        /** Rows with their own lengths, each adding a run of new tokens (as continuous batching): some rows idle. */
        static Placement rows(SplittableRandom rnd, int rows, int Tk) {
            int R = 0;
            int[] row = new int[rows * Tk], slot = new int[rows * Tk];
            for (int b = 0; b < rows; b++) {
                if (rnd.nextInt(4) == 0) continue; // an idle row
                int len = 1 + rnd.nextInt(Tk);
                int count = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(len); // a decode token or a prefill chunk
                for (int t = len - count; t < len; t++) {
                    row[R] = b;
                    slot[R++] = t;
                }
            }
            return new Placement(R, row, slot, null);
        }
    }

    private static final int[][] HEADS = {{1, 1}, {5, 1}, {16, 2}, {24, 3}, {64, 1}, {128, 2}, {68, 4}, {192, 3}, {40, 5}};

    @Test
    void forwardMatchesScalarOnRandomShapesAndPlacements() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int rep = 0; rep < 90; rep++) {
            int[] h = HEADS[rep % HEADS.length];
            int C = h[0], NH = h[1];
            int B = 1 + rnd.nextInt(5);
            Placement p;
            int Tk;
            switch (rep % 3) {
                case 0 -> { // left padding: decode or prefill
                    boolean decode = rep % 2 == 0;
                    int Tq = decode ? 1 : 1 + rnd.nextInt(20), pos0 = decode ? rnd.nextInt(40) : rnd.nextInt(3);
                    Tk = pos0 + Tq + rnd.nextInt(20);
                    int[] first = new int[B];
                    for (int b = 0; b < B; b++) first[b] = rnd.nextInt(pos0 + Tq + 2); // some rows' queries are all padding
                    p = Placement.padded(B, Tq, pos0, first);
                }
                case 1 -> { // right padding
                    Tk = 1 + rnd.nextInt(30);
                    int[] lengths = new int[B];
                    for (int b = 0; b < B; b++) lengths[b] = rnd.nextInt(Tk + 1);
                    p = Placement.rightPadded(B, Tk, lengths);
                }
                default -> {
                    Tk = 1 + rnd.nextInt(50);
                    p = Placement.rows(rnd, B + 1, Tk);
                    B = B + 1;
                }
            }
            float[] q = random(rnd, p.R * C), kT = random(rnd, B * Tk * C), v = random(rnd, B * Tk * C);
            float[] expected = new float[p.R * C], expectedAtt = new float[p.R * NH * Tk];
            Attention.forwardScalar(expected, expectedAtt, q, kT, v, p.row, p.slot, p.first, p.R, Tk, C, NH);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                float[] out = new float[p.R * C], att = new float[p.R * NH * Tk];
                Arrays.fill(out, Float.NaN);
                boolean keep = rep % 2 == 0;
                Attention.forward(pool, out, keep ? att : null, q, kT, v, p.row, p.slot, p.first, p.R, Tk, C, NH);
                String what = "attention placement " + rep % 3 + " R=" + p.R + " Tk=" + Tk + " C=" + C + " NH=" + NH
                        + " slots=" + Arrays.toString(Arrays.copyOf(p.slot, p.R)) + " threads=" + pool.threads();
                assertClose(what, expected, out);
                if (keep) assertVisibleProbabilitiesClose(what, expectedAtt, att, p, Tk, NH);
            }
        }
    }

    /** The kept probabilities of every visible slot (the rest of each att row is unused). */
    private static void assertVisibleProbabilitiesClose(String what, float[] expected, float[] att, Placement p, int Tk, int NH) {
        for (int r = 0; r < p.R; r++) {
            int n = p.slot[r] - (p.first == null ? 0 : p.first[p.row[r]]) + 1;
            for (int h = 0; h < NH; h++) {
                int o = (r * NH + h) * Tk;
                for (int s = 0; s < n; s++) {
                    if (Math.abs(expected[o + s] - att[o + s]) > 1e-6) fail(what + ": att of query " + r + " head " + h + " slot " + s);
                }
            }
        }
    }

    @Test
    void padKeysDoNotMatterAndPadQueriesAreZero() {
        SplittableRandom rnd = new SplittableRandom(32);
        int B = 3, Tq = 6, pos0 = 2, Tk = 10, C = 32, NH = 2, hd = C / NH;
        int[] first = {0, 4, 9}; // row 2: every query (slots 2..7) is padding
        Placement p = Placement.padded(B, Tq, pos0, first);
        float[] q = random(rnd, p.R * C), kT = random(rnd, B * Tk * C), v = random(rnd, B * Tk * C);
        float[] out = new float[p.R * C];
        Attention.forward(two, out, null, q, kT, v, p.row, p.slot, first, p.R, Tk, C, NH);

        // Scribble over every masked slot of k and v (pads, and slots after the last query).
        float[] kT2 = kT.clone(), v2 = v.clone();
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < Tk; s++) {
                if (s >= first[b] && s < pos0 + Tq) continue;
                for (int c = 0; c < C; c++) {
                    kT2[((b * NH + c / hd) * hd + c % hd) * Tk + s] = 1000f;
                    v2[(b * Tk + s) * C + c] = -1000f;
                }
            }
        }
        float[] out2 = new float[p.R * C];
        Attention.forward(two, out2, null, q, kT2, v2, p.row, p.slot, first, p.R, Tk, C, NH);
        assertArrayEquals(out, out2, "masked slots changed the output");

        for (int t = 0; t < Tq; t++) {
            if (pos0 + t >= first[1]) continue;
            for (int c = 0; c < C; c++) assertEquals(0f, out[(Tq + t) * C + c], "row 1 query " + t + " is padding");
        }
        for (int i = 2 * Tq * C; i < 3 * Tq * C; i++) assertEquals(0f, out[i], "row 2 is all padding");
        // Row 1, first real query (slot 4) sees only itself: its output is v at slot 4.
        for (int c = 0; c < C; c++) assertEquals(v[(Tk + 4) * C + c], out[(Tq + 2) * C + c], 1e-6);

        // Right padding: queries at slot -1 are zero, whatever the cache holds.
        Placement right = Placement.rightPadded(B, Tk, new int[] {3, 10, 0});
        float[] qr = random(rnd, right.R * C), outR = new float[right.R * C];
        Arrays.fill(outR, Float.NaN);
        Attention.forward(two, outR, null, qr, kT, v, right.row, right.slot, null, right.R, Tk, C, NH);
        for (int r = 0; r < right.R; r++)
            if (right.slot[r] < 0) for (int c = 0; c < C; c++) assertEquals(0f, outR[r * C + c], "query " + r + " is right padding");
    }

    /** A row's tokens see only their own row's slots up to their own slot, and agree bit for bit with the row alone. */
    @Test
    void rowsSeeOnlyTheirOwnRowAndAgreeWithTheRowAlone() {
        SplittableRandom rnd = new SplittableRandom(34);
        int rows = 3, Tk = 12, C = 32, NH = 4, hd = C / NH;
        float[] kT = random(rnd, rows * Tk * C), v = random(rnd, rows * Tk * C);
        // row 1: a prefill of slots 0..6; row 2: one decode token at slot 9
        int[] row = {1, 1, 1, 1, 1, 1, 1, 2}, slot = {0, 1, 2, 3, 4, 5, 6, 9};
        int R = row.length;
        float[] q = random(rnd, R * C);
        float[] out = new float[R * C];
        Attention.forward(two, out, null, q, kT, v, row, slot, null, R, Tk, C, NH);

        float[] kT2 = kT.clone(), v2 = v.clone();
        for (int b = 0; b < rows; b++) {
            int seen = b == 1 ? 7 : b == 2 ? 10 : 0; // slots any token of the row attends to
            for (int s = seen; s < Tk; s++) {
                for (int c = 0; c < C; c++) {
                    kT2[((b * NH + c / hd) * hd + c % hd) * Tk + s] = 1000f;
                    v2[(b * Tk + s) * C + c] = -1000f;
                }
            }
        }
        float[] out2 = new float[R * C];
        Attention.forward(two, out2, null, q, kT2, v2, row, slot, null, R, Tk, C, NH);
        assertArrayEquals(out, out2, "another row's slots, or slots after a token's own, changed the output");

        // Row 1's prefill alone, as row 0 of a cache of one row.
        float[] kRow = Arrays.copyOfRange(kT, Tk * C, 2 * Tk * C), vRow = Arrays.copyOfRange(v, Tk * C, 2 * Tk * C);
        Placement alone = Placement.padded(1, 7, 0, null);
        float[] single = new float[7 * C];
        Attention.forward(ComputePool.serial(), single, null, Arrays.copyOf(q, 7 * C), kRow, vRow, alone.row, alone.slot, null, 7, Tk, C, NH);
        assertArrayEquals(single, Arrays.copyOf(out, 7 * C), "a row's tokens differ from the row computed alone");
    }

    /** With cacheSlots room, a row's output has the same bits however far it is left-padded. */
    @Test
    void aRowGivesTheSameBitsWhateverItsLeftPadding() {
        SplittableRandom rnd = new SplittableRandom(33);
        int C = 48, NH = 2, n = 23, maxT = 40, Tk = Attention.cacheSlots(maxT);
        float[] rowQkv = random(rnd, n * 3 * C);
        float[] reference = null;
        for (int pad : new int[] {0, 1, 5, 16, 17}) {
            int T = pad + n;
            float[] qkv = new float[T * 3 * C];
            System.arraycopy(rowQkv, 0, qkv, pad * 3 * C, n * 3 * C);
            float[] q = new float[T * C], kT = new float[Tk * C], v = new float[Tk * C];
            Arrays.fill(kT, 7f); // stale cache contents past the row's slots
            Placement p = Placement.padded(1, T, 0, new int[] {pad});
            Attention.splitQkv(q, kT, v, qkv, p.row, p.slot, T, Tk, C, NH);
            float[] out = new float[T * C];
            Attention.forward(ComputePool.serial(), out, null, q, kT, v, p.row, p.slot, p.first, T, Tk, C, NH);
            float[] real = Arrays.copyOfRange(out, pad * C, T * C);
            if (reference == null) reference = real;
            else assertArrayEquals(reference, real, "row left-padded by " + pad);
        }
    }

    /** splitQkv puts each token's q, key (transposed per head) and value where forward reads them; slot -1 writes no key. */
    @Test
    void splitQkvLaysOutQueriesKeysAndValues() {
        int C = 6, NH = 2, hd = 3, Tk = 4;
        float[] qkv = new float[2 * 3 * C];
        for (int i = 0; i < qkv.length; i++) qkv[i] = i;
        float[] q = new float[2 * C], kT = new float[2 * Tk * C], v = new float[2 * Tk * C];
        Attention.splitQkv(q, kT, v, qkv, new int[] {1, 0}, new int[] {2, -1}, 2, Tk, C, NH);
        assertArrayEquals(Arrays.copyOfRange(qkv, 0, C), Arrays.copyOf(q, C));
        assertArrayEquals(Arrays.copyOfRange(qkv, 3 * C, 4 * C), Arrays.copyOfRange(q, C, 2 * C));
        for (int c = 0; c < C; c++) {
            assertEquals(qkv[C + c], kT[((NH + c / hd) * hd + c % hd) * Tk + 2], "key of token 0 at row 1 slot 2, channel " + c);
            assertEquals(qkv[2 * C + c], v[(Tk + 2) * C + c], "value of token 0, channel " + c);
        }
        for (int i = 0; i < Tk * C; i++) assertEquals(0f, kT[i], "token 1 is padding: row 0 gets no key");
    }

    @Test
    void backwardMatchesScalarOnRandomShapesWithRightPadding() {
        SplittableRandom rnd = new SplittableRandom(35);
        for (int rep = 0; rep < 30; rep++) {
            int[] h = HEADS[rep % HEADS.length];
            int C = h[0], NH = h[1], hd = C / NH;
            int B = 1 + rnd.nextInt(4), T = 1 + rnd.nextInt(24);
            int[] lengths = new int[B];
            for (int b = 0; b < B; b++) lengths[b] = 1 + rnd.nextInt(T);
            Placement p = Placement.rightPadded(B, T, lengths);
            float[] qkv = random(rnd, B * T * 3 * C), dout = random(rnd, B * T * C);
            float[] q = new float[B * T * C], kT = new float[B * T * C], v = new float[B * T * C];
            Attention.splitQkv(q, kT, v, qkv, p.row, p.slot, p.R, T, C, NH);
            float[] att = new float[p.R * NH * T], out = new float[p.R * C];
            Attention.forward(ComputePool.serial(), out, att, q, kT, v, p.row, p.slot, null, p.R, T, C, NH);
            float[] expected = new float[B * T * 3 * C];
            Attention.backwardScalar(expected, dout, qkv, att, lengths, B, T, C, NH);
            for (ComputePool pool : new ComputePool[] {ComputePool.serial(), two}) {
                float[] dqkv = new float[B * T * 3 * C];
                Arrays.fill(dqkv, Float.NaN);
                Attention.backward(pool, dqkv, new float[B * NH * T], new float[B * NH * hd * T], dout, qkv, att, lengths, B, T, C, NH);
                assertClose("attention backward B=" + B + " T=" + T + " C=" + C + " NH=" + NH + " lengths=" + Arrays.toString(lengths)
                        + " threads=" + pool.threads(), expected, dqkv);
            }
        }
    }

    @Test
    void badShapesAreRejected() {
        float[] a = new float[64];
        ComputePool p = two;
        int[] zero = {0};
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(p, a, null, a, a, a, zero, zero, zero, 1, 2, 30, 4));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(p, a, null, a, a, a, zero, new int[] {2}, null, 1, 2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(p, a, null, a, a, a, zero, zero, new int[] {-1}, 1, 2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(p, a, null, a, a, a, new int[] {8}, zero, null, 1, 2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> Attention.forward(p, a, new float[1], a, a, a, zero, zero, null, 1, 2, 8, 2));
    }
}
