package miniserve.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal multi-head self-attention, forward and backward (llm.c's attention_forward and
 * attention_backward), for every use of the model: inference over a KV cache that grows one
 * slot per step (a left-padded batch, or rows of a continuous batch with their own lengths),
 * and training over whole right-padded sequences.
 *
 * <pre>
 * qkv [R, 3C]               c_attn's output: q | k | v, head h owning columns h·hd .. h·hd+hd-1 of each
 * q   [R, C]                the queries; query r belongs to row row[r] and sits at slot slot[r]
 * kT  [rows, NH, hd, Tk]    keys, each head's transposed (row b, head h, dim d, slot s at ((b·NH+h)·hd+d)·Tk + s)
 * v   [rows, Tk, C]         values
 * out [R, C]                Σ_s att[s] · v[s], per head
 * att [R, NH, Tk]           softmax over the visible slots of q·k/√hd, kept for the backward (or null)
 * </pre>
 * Query r sees slots first[b] .. slot[r] of its row b = row[r]: slots before first[b] are left
 * padding (first may be null: no left padding). A query at a padding slot (before first[b], or
 * slot -1: right padding) sees nothing and outputs zeros. Entry j of a query's att row is the
 * probability of slot first[b] + j.
 *
 * <p>Every sum runs in a fixed order along one axis, with no lane reduction: a score sums over
 * the head dimension in order, vectorised across slots (hence the transposed keys); an output
 * sums over slots in order, vectorised across the head dimension. So results do not depend on
 * the thread count, and with {@link #cacheSlots} room a query's result does not depend on its
 * row's padding, nor on the other queries of the call. Entries of att past a query's last slot
 * (up to a whole vector) are computed from whatever the cache holds there and never read.
 */
public final class Attention {
    private Attention() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /**
     * Slots to allocate for a cache of up to maxT slots, so that every score span is a whole
     * number of vectors whatever the row's left padding (then a row's scores are computed the
     * same alone or in any batch).
     */
    public static int cacheSlots(int maxT) {
        return maxT + L - 1;
    }

    /**
     * Splits qkv[R, 3C] into the attention's inputs: q[R, C], and the key and value of each token
     * r into kT[rows, NH, hd, Tk] and v[rows, Tk, C] at slot slot[r] of row row[r] (none for a
     * slot of -1).
     */
    public static void splitQkv(float[] q, float[] kT, float[] v, float[] qkv, int[] row, int[] slot, int R, int Tk, int C, int NH) {
        int hd = C / NH;
        for (int r = 0; r < R; r++) {
            int src = r * 3 * C, b = row[r], s = slot[r];
            System.arraycopy(qkv, src, q, r * C, C);
            if (s < 0) continue;
            System.arraycopy(qkv, src + 2 * C, v, (b * Tk + s) * C, C);
            for (int h = 0; h < NH; h++) {
                int kt = (b * NH + h) * hd * Tk + s, ko = src + C + h * hd;
                for (int d = 0; d < hd; d++) kT[kt + d * Tk] = qkv[ko + d];
            }
        }
    }

    /** out[R, C] (and att, unless null) from q, kT and v; see the class comment for the layouts and the masks. */
    public static void forward(ComputePool pool, float[] out, float[] att, float[] q, float[] kT, float[] v,
                               int[] row, int[] slot, int[] first, int R, int Tk, int C, int NH) {
        check(out, att, q, kT, v, row, slot, first, R, Tk, C, NH);
        int pairs = R * NH;
        long fmas = 0;
        for (int r = 0; r < R; r++) fmas += 2L * (slot[r] + 1) * C;
        if (pool.threads() == 1 || fmas < Matmul.SPLIT_MIN_FMAS) {
            forwardPairs(out, att, q, kT, v, row, slot, first, Tk, C, NH, 0, pairs);
        } else {
            PairsTask.run(pool, pairs, out, att, q, kT, v, row, slot, first, Tk, C, NH);
        }
    }

    /** One call's arguments as the pool's task, kept per calling thread and reused (a capturing lambda allocates per call). */
    private static final class PairsTask implements ComputePool.RangeTask {
        private static final ThreadLocal<PairsTask> PER_THREAD = ThreadLocal.withInitial(PairsTask::new);

        float[] out, att, q, kT, v;
        int[] row, slot, first;
        int Tk, C, NH;

        static void run(ComputePool pool, int pairs, float[] out, float[] att, float[] q, float[] kT, float[] v,
                        int[] row, int[] slot, int[] first, int Tk, int C, int NH) {
            PairsTask t = PER_THREAD.get();
            if (t.out != null) t = new PairsTask(); // started from inside another call's task
            t.out = out;
            t.att = att;
            t.q = q;
            t.kT = kT;
            t.v = v;
            t.row = row;
            t.slot = slot;
            t.first = first;
            t.Tk = Tk;
            t.C = C;
            t.NH = NH;
            try {
                pool.parallelFor(pairs, 1, t);
            } finally {
                t.out = t.att = t.q = t.kT = t.v = null;
                t.row = t.slot = t.first = null;
            }
        }

        @Override
        public void run(int p0, int p1) {
            forwardPairs(out, att, q, kT, v, row, slot, first, Tk, C, NH, p0, p1);
        }
    }

    private static void check(float[] out, float[] att, float[] q, float[] kT, float[] v, int[] row, int[] slot, int[] first,
                              int R, int Tk, int C, int NH) {
        if (R < 0 || Tk < 1 || NH < 1 || C < 0 || C % NH != 0)
            throw new IllegalArgumentException("attention: bad shape R=" + R + " Tk=" + Tk + " C=" + C + " NH=" + NH);
        long qn = (long) R * C;
        if (q.length < qn || out.length < qn) throw new IllegalArgumentException("attention: q and out need R*C=" + qn + " floats");
        if (row.length < R || slot.length < R) throw new IllegalArgumentException("attention: row and slot need R=" + R + " entries");
        if (att != null && att.length < (long) R * NH * Tk)
            throw new IllegalArgumentException("attention: att needs R*NH*Tk=" + (long) R * NH * Tk + " floats");
        for (int r = 0; r < R; r++) {
            int b = row[r];
            if (b < 0 || slot[r] < -1 || slot[r] >= Tk)
                throw new IllegalArgumentException("attention: query " + r + " has row " + b + ", slot " + slot[r] + " (slots -1.." + (Tk - 1) + ")");
            long end = ((long) b + 1) * Tk * C;
            if (kT.length < end || v.length < end)
                throw new IllegalArgumentException("attention: kT and v are too short for row " + b + " (need " + end + " floats)");
            if (first != null && (first.length <= b || first[b] < 0))
                throw new IllegalArgumentException("attention: first has no valid entry for row " + b);
        }
    }

    /** Pairs p in [p0, p1): query p / NH, head p % NH. */
    private static void forwardPairs(float[] out, float[] att, float[] q, float[] kT, float[] v, int[] row, int[] slot, int[] first,
                                     int Tk, int C, int NH, int p0, int p1) {
        int hd = C / NH;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] scores = att != null ? att : Scratch.floats(Tk);
        for (int p = p0; p < p1; p++) {
            int r = p / NH, h = p % NH, b = row[r];
            int lo = first == null ? 0 : first[b];
            int qo = r * C + h * hd;
            int n = slot[r] - lo + 1;
            if (n <= 0) {
                Arrays.fill(out, qo, qo + hd, 0f);
                continue;
            }
            int ao = att != null ? p * Tk : 0;
            // scores[j] = q·k/√hd of slot lo + j (whole vectors of slots), softmax over the n visible, out = Σ_j scores[j]·v
            combineRows(scores, ao, q, qo, scale, kT, (b * NH + h) * hd * Tk + lo, Tk, hd, Math.min(Tk - lo, roundUpToVectors(n)));
            Softmax.softmax(scores, ao, n);
            combineRows(out, qo, scores, ao, 1f, v, (b * Tk + lo) * C + h * hd, C, n, hd);
        }
    }

    private static int roundUpToVectors(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * out[oo + j] = Σ_i (w[wo + i]·scale)·x[x0 + i·stride + j] for j in [0, width), i in [0, count)
     * in order: fused multiply-adds on whole vectors of j, separate multiply and add on the rest.
     * A query's scores (w = its q, x = the keys transposed, j = slot) and its output (w = its
     * probabilities, x = the values, j = head dimension) are both this sum.
     */
    private static void combineRows(float[] out, int oo, float[] w, int wo, float scale, float[] x, int x0, int stride,
                                    int count, int width) {
        int j = 0;
        for (; j + 2 * L <= width; j += 2 * L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            for (int i = 0; i < count; i++) {
                FloatVector wi = FloatVector.broadcast(F, w[wo + i] * scale);
                int xo = x0 + i * stride + j;
                a0 = FloatVector.fromArray(F, x, xo).fma(wi, a0);
                a1 = FloatVector.fromArray(F, x, xo + L).fma(wi, a1);
            }
            a0.intoArray(out, oo + j);
            a1.intoArray(out, oo + j + L);
        }
        for (; j + L <= width; j += L) {
            FloatVector a0 = FloatVector.zero(F);
            for (int i = 0; i < count; i++)
                a0 = FloatVector.fromArray(F, x, x0 + i * stride + j).fma(FloatVector.broadcast(F, w[wo + i] * scale), a0);
            a0.intoArray(out, oo + j);
        }
        for (; j < width; j++) {
            float acc = 0f;
            for (int i = 0; i < count; i++) acc += w[wo + i] * scale * x[x0 + i * stride + j];
            out[oo + j] = acc;
        }
    }

    /** Scalar twin of {@link #forward}: plain loops over the same layouts. */
    public static void forwardScalar(float[] out, float[] att, float[] q, float[] kT, float[] v, int[] row, int[] slot, int[] first,
                                     int R, int Tk, int C, int NH) {
        int hd = C / NH;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] w = new float[Tk];
        for (int r = 0; r < R; r++) {
            int b = row[r], lo = first == null ? 0 : first[b], n = slot[r] - lo + 1;
            for (int h = 0; h < NH; h++) {
                int qo = r * C + h * hd;
                Arrays.fill(out, qo, qo + hd, 0f);
                if (n <= 0) continue;
                for (int s = 0; s < n; s++) {
                    float dot = 0f;
                    for (int d = 0; d < hd; d++) dot += q[qo + d] * kT[((b * NH + h) * hd + d) * Tk + lo + s];
                    w[s] = dot * scale;
                }
                Softmax.softmaxScalar(w, 0, n);
                if (att != null) System.arraycopy(w, 0, att, (r * NH + h) * Tk, n);
                for (int s = 0; s < n; s++)
                    for (int d = 0; d < hd; d++) out[qo + d] += w[s] * v[(b * Tk + lo + s) * C + h * hd + d];
            }
        }
    }

    /**
     * dqkv[B, T, 3C] (written) from dout[B, T, C], for a training forward over a batch of B rows
     * of T slots (query b·T + t at slot t of row b, Tk = T, no left padding; slots from lengths[b]
     * on are right padding), whose probabilities att[B·T, NH, T] were kept. scratch holds B·NH·T floats (one row of d(att) per task), vT
     * B·NH·hd·T (each head's values transposed). Split over (row, head): a task writes only its
     * own head's columns of its own row.
     */
    public static void backward(ComputePool pool, float[] dqkv, float[] scratch, float[] vT, float[] dout, float[] qkv,
                                float[] att, int[] lengths, int B, int T, int C, int NH) {
        int hd = C / NH;
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(B * NH, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int b = i / NH, h = i % NH;
                int len = lengths[b];
                for (int t = 0; t < T; t++) {
                    int base = (b * T + t) * 3 * C + h * hd;
                    Arrays.fill(dqkv, base, base + hd, 0f);
                    Arrays.fill(dqkv, base + C, base + C + hd, 0f);
                    Arrays.fill(dqkv, base + 2 * C, base + 2 * C + hd, 0f);
                }
                int tb = i * hd * T;
                transposeHead(vT, tb, qkv, (b * T) * 3 * C + 2 * C + h * hd, 3 * C, len, hd, T);
                int so = i * T;
                for (int t = 0; t < len; t++) {
                    int ao = ((b * T + t) * NH + h) * T;
                    int go = (b * T + t) * C + h * hd;
                    int qo = (b * T + t) * 3 * C + h * hd;
                    int n = t + 1;
                    // out_t = Σ_s att_s v_s  ->  datt_s = dout_t·v_s,  dv_s += att_s dout_t
                    int nv = Math.min(T, roundUpToVectors(n)); // as in the forward: whole vectors, entries past t unused
                    Arrays.fill(scratch, so, so + nv, 0f);
                    for (int d = 0; d < hd; d++) axpy(dout[go + d], vT, tb + d * T, scratch, so, nv);
                    float weighted = 0f;
                    for (int s = 0; s <= t; s++) {
                        weighted += att[ao + s] * scratch[so + s];
                        axpy(att[ao + s], dout, go, dqkv, (b * T + s) * 3 * C + 2 * C + h * hd, hd);
                    }
                    // softmax: dpre_s = att_s (datt_s - Σ_j att_j datt_j); then q·k/√hd
                    for (int s = 0; s <= t; s++) {
                        float dpre = att[ao + s] * (scratch[so + s] - weighted) * scale;
                        int ko = (b * T + s) * 3 * C + C + h * hd;
                        axpy(dpre, qkv, ko, dqkv, qo, hd);
                        axpy(dpre, qkv, qo, dqkv, ko, hd);
                    }
                }
            }
        });
    }

    /** Scalar twin of {@link #backward} (it needs no scratch). */
    public static void backwardScalar(float[] dqkv, float[] dout, float[] qkv, float[] att, int[] lengths, int B, int T, int C, int NH) {
        int hd = C / NH;
        float scale = (float) (1.0 / Math.sqrt(hd));
        Arrays.fill(dqkv, 0, B * T * 3 * C, 0f);
        float[] datt = new float[T];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < NH; h++) {
                for (int t = 0; t < lengths[b]; t++) {
                    int ao = ((b * T + t) * NH + h) * T, go = (b * T + t) * C + h * hd, qo = (b * T + t) * 3 * C + h * hd;
                    float weighted = 0f;
                    for (int s = 0; s <= t; s++) {
                        int vo = (b * T + s) * 3 * C + 2 * C + h * hd;
                        datt[s] = 0f;
                        for (int d = 0; d < hd; d++) {
                            datt[s] += dout[go + d] * qkv[vo + d];
                            dqkv[vo + d] += att[ao + s] * dout[go + d];
                        }
                        weighted += att[ao + s] * datt[s];
                    }
                    for (int s = 0; s <= t; s++) {
                        float dpre = att[ao + s] * (datt[s] - weighted) * scale;
                        int ko = (b * T + s) * 3 * C + C + h * hd;
                        for (int d = 0; d < hd; d++) {
                            dqkv[qo + d] += dpre * qkv[ko + d];
                            dqkv[ko + d] += dpre * qkv[qo + d];
                        }
                    }
                }
            }
        }
    }

    /** dst[off + d·T + s] = src[srcOff + s·stride + d] for s < len, d < hd: one head's values, transposed. */
    private static void transposeHead(float[] dst, int off, float[] src, int srcOff, int stride, int len, int hd, int T) {
        for (int s = 0; s < len; s++) {
            int so = srcOff + s * stride;
            for (int d = 0; d < hd; d++) dst[off + d * T + s] = src[so + d];
        }
    }

    /** y[yo .. yo+n) += alpha · x[xo .. xo+n): fused on whole vectors, separate multiply and add on the rest. */
    private static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector a = FloatVector.broadcast(F, alpha);
        for (; i + L <= n; i += L)
            FloatVector.fromArray(F, x, xo + i).fma(a, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }
}
