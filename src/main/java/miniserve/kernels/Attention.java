package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal multi-head attention of Tq new positions against a KV cache, with a key padding mask.
 *
 * <pre>
 * q    [B, Tq,   C]   queries of the new positions; head h owns columns h*hd .. h*hd+hd-1
 * k, v [B, Tmax, C]   the cache; slots 0 .. pos0+Tq-1 are filled for every row
 * out  [B, Tq,   C]   softmax(q·kᵀ / √hd) · v, per head
 * </pre>
 * Query t of row b sits at slot pos0+t and attends to slots firstValid[b] .. pos0+t:
 * slots before firstValid[b] are that row's left padding and are masked out. A query that
 * is itself padding (slot &lt; firstValid[b]) sees nothing and gets a zero output.
 *
 * <p>The vector form works on one (row, head) pair at a time, vectorized over the head
 * dimension, and splits the pairs across the pool (every pair costs the same).
 *
 * <p>{@link #attentionRows} is the form for continuous batching: new tokens of rows with their own
 * lengths, each against its own row's cache, with no padding to mask.
 */
public final class Attention {
    private Attention() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    public static void attention(ComputePool pool, float[] out, float[] q, float[] k, float[] v, int[] firstValid,
                                 int B, int Tq, int pos0, int Tmax, int C, int nHead) {
        check(out, q, k, v, firstValid, B, Tq, pos0, Tmax, C, nHead);
        int pairs = B * nHead;
        long fmas = 2L * pairs * Tq * (pos0 + Tq) * (C / nHead);
        if (pool.threads() == 1 || fmas < Matmul.SPLIT_MIN_FMAS) {
            attendPairs(out, q, k, v, firstValid, Tq, pos0, Tmax, C, nHead, 0, pairs);
        } else {
            Task t = Task.get(out, q, k, v, Tmax, C, nHead);
            t.firstValid = firstValid;
            t.Tq = Tq;
            t.pos0 = pos0;
            t.runOn(pool, pairs);
        }
    }

    /**
     * Causal attention of R new tokens, each against its own row's cache (continuous batching: every
     * row of the running batch has its own length, and there is no padding).
     *
     * <pre>
     * q, out [R, C]            token r's query and output
     * k, v   [rows, Tmax, C]   the cache; token r belongs to row row[r] at position pos[r], and that row's
     *                          slots 0 .. pos[r] are filled (token r's own key and value included)
     * </pre>
     * Token r attends to slots 0 .. pos[r] of row row[r]. The (token, head) pairs are split across the
     * pool; a prefill token late in its prompt costs more than a decode token early in its row.
     */
    public static void attentionRows(ComputePool pool, float[] out, float[] q, float[] k, float[] v, int[] row, int[] pos,
                                     int R, int Tmax, int C, int nHead) {
        checkRows(out, q, k, v, row, pos, R, Tmax, C, nHead);
        int pairs = R * nHead;
        long fmas = 0;
        for (int r = 0; r < R; r++) fmas += 2L * nHead * (pos[r] + 1) * (C / nHead);
        if (pool.threads() == 1 || fmas < Matmul.SPLIT_MIN_FMAS) {
            attendTokens(out, q, k, v, row, pos, Tmax, C, nHead, 0, pairs);
        } else {
            Task t = Task.get(out, q, k, v, Tmax, C, nHead);
            t.row = row;
            t.pos = pos;
            t.runOn(pool, pairs);
        }
    }

    private static void checkRows(float[] out, float[] q, float[] k, float[] v, int[] row, int[] pos,
                                  int R, int Tmax, int C, int nHead) {
        if (R < 0 || Tmax < 1 || nHead < 1 || C < 0 || C % nHead != 0)
            throw new IllegalArgumentException("attentionRows: bad shape R=" + R + " Tmax=" + Tmax + " C=" + C + " nHead=" + nHead);
        long qn = (long) R * C;
        if (q.length < qn || out.length < qn) throw new IllegalArgumentException("attentionRows: q and out need R*C=" + qn + " floats");
        if (row.length < R || pos.length < R)
            throw new IllegalArgumentException("attentionRows: row and pos need R=" + R + " entries");
        for (int r = 0; r < R; r++) {
            if (row[r] < 0 || pos[r] < 0 || pos[r] >= Tmax)
                throw new IllegalArgumentException("attentionRows: token " + r + " has row " + row[r] + ", position " + pos[r]
                        + " (positions 0.." + (Tmax - 1) + ")");
            long end = ((long) row[r] + 1) * Tmax * C;
            if (k.length < end || v.length < end)
                throw new IllegalArgumentException("attentionRows: k and v are too short for row " + row[r] + " (need " + end + " floats)");
        }
    }

    /** Pairs p in [p0, p1): token p / nHead, head p % nHead. */
    private static void attendTokens(float[] out, float[] q, float[] k, float[] v, int[] row, int[] pos,
                                     int Tmax, int C, int nHead, int p0, int p1) {
        int hd = C / nHead;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] att = Scratch.floats(Tmax);
        for (int p = p0; p < p1; p++) {
            int r = p / nHead, ho = (p % nHead) * hd;
            int n = pos[r] + 1;
            int kv0 = row[r] * Tmax * C + ho; // slot 0 of this token's row and head in k and v
            int qo = r * C + ho;
            scores(att, q, qo, k, kv0, C, n, hd, scale);
            Softmax.softmax(att, 0, n);
            weightedSum(out, qo, att, v, kv0, C, n, hd);
        }
    }

    /** Scalar twin of {@link #attentionRows}. */
    public static void attentionRowsScalar(float[] out, float[] q, float[] k, float[] v, int[] row, int[] pos,
                                           int R, int Tmax, int C, int nHead) {
        int hd = C / nHead;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] att = new float[Tmax];
        for (int r = 0; r < R; r++) {
            int n = pos[r] + 1;
            for (int h = 0; h < nHead; h++) {
                int qo = r * C + h * hd;
                for (int s = 0; s < n; s++) {
                    int ko = (row[r] * Tmax + s) * C + h * hd;
                    float dot = 0f;
                    for (int i = 0; i < hd; i++) dot += q[qo + i] * k[ko + i];
                    att[s] = dot * scale;
                }
                Softmax.softmaxScalar(att, 0, n);
                for (int i = 0; i < hd; i++) out[qo + i] = 0f;
                for (int s = 0; s < n; s++) {
                    int vo = (row[r] * Tmax + s) * C + h * hd;
                    for (int i = 0; i < hd; i++) out[qo + i] += att[s] * v[vo + i];
                }
            }
        }
    }

    /** One call's arguments (of either form) as the pool's task, kept per calling thread and reused (a capturing lambda allocates per call). */
    private static final class Task implements ComputePool.RangeTask {
        private static final ThreadLocal<Task> PER_THREAD = ThreadLocal.withInitial(Task::new);

        float[] out, q, k, v;
        int[] firstValid;   // the padded form
        int[] row, pos;     // the per-row form
        int Tq, pos0, Tmax, C, nHead;

        /** This thread's task, or a new one when started from inside another call's task. */
        static Task get(float[] out, float[] q, float[] k, float[] v, int Tmax, int C, int nHead) {
            Task t = PER_THREAD.get();
            if (t.out != null) t = new Task();
            t.out = out;
            t.q = q;
            t.k = k;
            t.v = v;
            t.Tmax = Tmax;
            t.C = C;
            t.nHead = nHead;
            return t;
        }

        void runOn(ComputePool pool, int pairs) {
            try {
                pool.parallelFor(pairs, 1, this);
            } finally {
                out = q = k = v = null;
                firstValid = row = pos = null;
            }
        }

        @Override
        public void run(int p0, int p1) {
            if (row != null) attendTokens(out, q, k, v, row, pos, Tmax, C, nHead, p0, p1);
            else attendPairs(out, q, k, v, firstValid, Tq, pos0, Tmax, C, nHead, p0, p1);
        }
    }

    private static void check(float[] out, float[] q, float[] k, float[] v, int[] firstValid,
                              int B, int Tq, int pos0, int Tmax, int C, int nHead) {
        if (B < 0 || Tq < 0 || pos0 < 0 || nHead < 1 || C < 0 || C % nHead != 0) {
            throw new IllegalArgumentException("attention: bad shape B=" + B + " Tq=" + Tq + " pos0=" + pos0 + " C=" + C + " nHead=" + nHead);
        }
        if (pos0 + Tq > Tmax) throw new IllegalArgumentException("attention: slots up to " + (pos0 + Tq) + " exceed Tmax=" + Tmax);
        long qn = (long) B * Tq * C, kvn = (long) B * Tmax * C;
        if (q.length < qn || out.length < qn) throw new IllegalArgumentException("attention: q and out need B*Tq*C=" + qn + " floats");
        if (k.length < kvn || v.length < kvn) throw new IllegalArgumentException("attention: k and v need B*Tmax*C=" + kvn + " floats");
        if (firstValid.length < B) throw new IllegalArgumentException("attention: firstValid has " + firstValid.length + " entries, needs B=" + B);
        for (int b = 0; b < B; b++) {
            if (firstValid[b] < 0) throw new IllegalArgumentException("attention: firstValid[" + b + "] = " + firstValid[b] + " is negative");
        }
    }

    /** Pairs p in [p0, p1) (row p / nHead, head p % nHead), every query of the row. */
    private static void attendPairs(float[] out, float[] q, float[] k, float[] v, int[] firstValid,
                                    int Tq, int pos0, int Tmax, int C, int nHead, int p0, int p1) {
        int hd = C / nHead;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] att = Scratch.floats(pos0 + Tq);
        for (int p = p0; p < p1; p++) {
            int b = p / nHead, ho = (p % nHead) * hd;
            int lo = firstValid[b];
            int kv0 = b * Tmax * C + ho; // slot 0 of this row and head in k and v
            for (int t = 0; t < Tq; t++) {
                int slot = pos0 + t;
                int qo = (b * Tq + t) * C + ho;
                int n = slot - lo + 1;
                if (n <= 0) {
                    java.util.Arrays.fill(out, qo, qo + hd, 0f);
                    continue;
                }
                scores(att, q, qo, k, kv0 + lo * C, C, n, hd, scale);
                Softmax.softmax(att, 0, n);
                weightedSum(out, qo, att, v, kv0 + lo * C, C, n, hd);
            }
        }
    }

    /** att[s] = q·k[s] · scale for the n keys k[s] = k[k0 + s*C ..], four keys at a time. */
    private static void scores(float[] att, float[] q, int qo, float[] k, int k0, int C, int n, int hd, float scale) {
        int end = F.loopBound(hd);
        int s = 0;
        for (; s + 4 <= n; s += 4) {
            int a = k0 + s * C, b = a + C, c = b + C, d = c + C;
            FloatVector sa = FloatVector.zero(F), sb = sa, sc = sa, sd = sa;
            for (int i = 0; i < end; i += L) {
                FloatVector qv = FloatVector.fromArray(F, q, qo + i);
                sa = qv.fma(FloatVector.fromArray(F, k, a + i), sa);
                sb = qv.fma(FloatVector.fromArray(F, k, b + i), sb);
                sc = qv.fma(FloatVector.fromArray(F, k, c + i), sc);
                sd = qv.fma(FloatVector.fromArray(F, k, d + i), sd);
            }
            float da = sa.reduceLanes(VectorOperators.ADD), db = sb.reduceLanes(VectorOperators.ADD);
            float dc = sc.reduceLanes(VectorOperators.ADD), dd = sd.reduceLanes(VectorOperators.ADD);
            for (int i = end; i < hd; i++) {
                float qi = q[qo + i];
                da += qi * k[a + i];
                db += qi * k[b + i];
                dc += qi * k[c + i];
                dd += qi * k[d + i];
            }
            att[s] = da * scale;
            att[s + 1] = db * scale;
            att[s + 2] = dc * scale;
            att[s + 3] = dd * scale;
        }
        for (; s < n; s++) {
            int a = k0 + s * C;
            FloatVector sa = FloatVector.zero(F);
            for (int i = 0; i < end; i += L) sa = FloatVector.fromArray(F, q, qo + i).fma(FloatVector.fromArray(F, k, a + i), sa);
            float da = sa.reduceLanes(VectorOperators.ADD);
            for (int i = end; i < hd; i++) da += q[qo + i] * k[a + i];
            att[s] = da * scale;
        }
    }

    /** out[qo + i] = Σ_s att[s] · v[v0 + s*C + i] for i in [0, hd), two accumulators per vector to hide the FMA latency. */
    private static void weightedSum(float[] out, int qo, float[] att, float[] v, int v0, int C, int n, int hd) {
        int end = F.loopBound(hd);
        for (int i = 0; i < end; i += L) {
            FloatVector even = FloatVector.zero(F), odd = even;
            int s = 0;
            for (; s + 2 <= n; s += 2) {
                int o = v0 + s * C + i;
                even = FloatVector.broadcast(F, att[s]).fma(FloatVector.fromArray(F, v, o), even);
                odd = FloatVector.broadcast(F, att[s + 1]).fma(FloatVector.fromArray(F, v, o + C), odd);
            }
            if (s < n) even = FloatVector.broadcast(F, att[s]).fma(FloatVector.fromArray(F, v, v0 + s * C + i), even);
            even.add(odd).intoArray(out, qo + i);
        }
        for (int i = end; i < hd; i++) {
            float acc = 0f;
            for (int s = 0; s < n; s++) acc += att[s] * v[v0 + s * C + i];
            out[qo + i] = acc;
        }
    }

    public static void attentionScalar(float[] out, float[] q, float[] k, float[] v, int[] firstValid,
                                       int B, int Tq, int pos0, int Tmax, int C, int nHead) {
        int hd = C / nHead;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] att = new float[Tmax];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < Tq; t++) {
                int slot = pos0 + t;
                int qo = (b * Tq + t) * C;
                for (int h = 0; h < nHead; h++) {
                    int ho = h * hd;
                    int lo = firstValid[b];
                    int n = slot - lo + 1;
                    if (n <= 0) {
                        for (int i = 0; i < hd; i++) out[qo + ho + i] = 0f;
                        continue;
                    }
                    for (int s = lo; s <= slot; s++) {
                        int ko = (b * Tmax + s) * C + ho;
                        float dot = 0f;
                        for (int i = 0; i < hd; i++) dot += q[qo + ho + i] * k[ko + i];
                        att[s - lo] = dot * scale;
                    }
                    Softmax.softmaxScalar(att, 0, n);
                    for (int i = 0; i < hd; i++) out[qo + ho + i] = 0f;
                    for (int s = lo; s <= slot; s++) {
                        int vo = (b * Tmax + s) * C + ho;
                        float a = att[s - lo];
                        for (int i = 0; i < hd; i++) out[qo + ho + i] += a * v[vo + i];
                    }
                }
            }
        }
    }
}
