package miniserve.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import miniserve.kernels.ComputePool;
import miniserve.kernels.Matmul;
import miniserve.kernels.MatmulGrad;
import miniserve.kernels.Softmax;

/**
 * The forward and backward step of every layer of GPT-2 training, one function each, after
 * the layout of llm.c's {@code train_gpt2.c}. Shapes use B (batch rows), T (positions of this
 * batch), C (channels), NH (heads), hd = C/NH, V (vocabulary), M = B·T.
 *
 * <p>Backward functions accumulate (+=) into parameter gradients, so a parameter used twice
 * (the tied token embedding) sums both contributions. Activation gradients are written (=)
 * unless the name says otherwise. Every parallel loop gives each output element to exactly
 * one thread, summed in a fixed order: results do not depend on the thread count.
 *
 * <p>Padding: a batch is right-padded; row b has {@code lengths[b]} real positions. Causal
 * attention never lets a real position see a later (padding) one, and padding queries are
 * masked to a zero output, so padding cannot change a real token's loss or any gradient.
 */
final class TrainingLayers {
    private TrainingLayers() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float GELU_K = (float) Math.sqrt(2.0 / Math.PI);
    /** Columns per task in the loops that sum over rows. */
    private static final int COLUMN_GRAIN = 16;

    // ---------------------------------------------------------------- embeddings

    /** out[B,T,C] = wte[inputs[b,t], :] + wpe[t, :]. */
    static void encoderForward(float[] out, int[] inputs, float[] wte, float[] wpe, int B, int T, int C) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * C, w = inputs[b * T + t] * C, p = t * C;
                for (int c = 0; c < C; c++) out[o + c] = wte[w + c] + wpe[p + c];
            }
        }
    }

    /** dwte[V,C] += scatter of dout[B,T,C] by token; dwpe[T,C] += dout summed over rows. Padding skipped. */
    static void encoderBackward(ComputePool pool, float[] dwte, float[] dwpe, float[] dout, int[] inputs, int[] lengths,
                                int B, int T, int C) {
        // Split over channels: two positions with the same token never race.
        pool.parallelFor(C, COLUMN_GRAIN, (c0, c1) -> {
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    int o = (b * T + t) * C, w = inputs[b * T + t] * C, p = t * C;
                    for (int c = c0; c < c1; c++) {
                        float d = dout[o + c];
                        dwte[w + c] += d;
                        dwpe[p + c] += d;
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- layernorm

    /**
     * out[M,C] = (inp - mean) · rstd · weight + bias per row; keeps mean[M] and rstd[M]
     * for the backward (the inference kernel does not keep them, hence this training twin).
     */
    static void layernormForward(ComputePool pool, float[] out, float[] mean, float[] rstd, float[] inp,
                                 float[] weight, float[] bias, int M, int C, float eps) {
        pool.parallelFor(M, 8, (m0, m1) -> {
            for (int m = m0; m < m1; m++) {
                int o = m * C;
                float mu = 0f;
                for (int c = 0; c < C; c++) mu += inp[o + c];
                mu /= C;
                float var = 0f;
                for (int c = 0; c < C; c++) {
                    float d = inp[o + c] - mu;
                    var += d * d;
                }
                var /= C;
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                for (int c = 0; c < C; c++) out[o + c] = (inp[o + c] - mu) * rs * weight[c] + bias[c];
                mean[m] = mu;
                rstd[m] = rs;
            }
        });
    }

    /**
     * dinp[M,C] += layernorm's input gradient; dweight[C] += Σ_m norm·dout; dbias[C] += Σ_m dout,
     * with norm = (inp - mean)·rstd recomputed from the kept statistics.
     */
    static void layernormBackward(ComputePool pool, float[] dinp, float[] dweight, float[] dbias, float[] dout,
                                  float[] inp, float[] weight, float[] mean, float[] rstd, int M, int C) {
        pool.parallelFor(M, 8, (m0, m1) -> {
            for (int m = m0; m < m1; m++) {
                int o = m * C;
                float mu = mean[m], rs = rstd[m];
                // dnorm = weight·dout; the input gradient removes its mean and its projection on norm.
                float dnormMean = 0f, dnormNormMean = 0f;
                for (int c = 0; c < C; c++) {
                    float norm = (inp[o + c] - mu) * rs;
                    float dnorm = weight[c] * dout[o + c];
                    dnormMean += dnorm;
                    dnormNormMean += dnorm * norm;
                }
                dnormMean /= C;
                dnormNormMean /= C;
                for (int c = 0; c < C; c++) {
                    float norm = (inp[o + c] - mu) * rs;
                    float dnorm = weight[c] * dout[o + c];
                    dinp[o + c] += (dnorm - dnormMean - norm * dnormNormMean) * rs;
                }
            }
        });
        pool.parallelFor(C, COLUMN_GRAIN, (c0, c1) -> {
            for (int m = 0; m < M; m++) {
                int o = m * C;
                float mu = mean[m], rs = rstd[m];
                for (int c = c0; c < c1; c++) {
                    float d = dout[o + c];
                    dweight[c] += (inp[o + c] - mu) * rs * d;
                    dbias[c] += d;
                }
            }
        });
    }

    // ---------------------------------------------------------------- matmul (Conv1D)

    /**
     * out[M,N] = inp[M,K] · weight[K,N] + bias[N], computed from weightT[N,K] (the weight
     * transposed) with the dot-product kernel {@link Matmul#matmulTransposedB}. At training
     * shapes (M ≈ 2000, K up to 4C) that kernel measured 75-85 GFLOP/s on one core where
     * {@link Matmul#matmul} gave 15-45 for K ≥ 384 or N = 256..512 (and ~100 otherwise); a
     * transposed copy per step costs a few milliseconds.
     */
    static void matmulForward(ComputePool pool, float[] out, float[] inp, float[] weightT, float[] bias, int M, int K, int N) {
        Matmul.matmulTransposedB(pool, out, inp, weightT, M, K, N);
        pool.parallelFor(M, 16, (m0, m1) -> {
            for (int m = m0; m < m1; m++) {
                int o = m * N;
                for (int n = 0; n < N; n++) out[o + n] += bias[n];
            }
        });
    }

    /** dst[N,K] = src[K,N]ᵀ. */
    static void transpose(ComputePool pool, float[] dst, float[] src, int K, int N) {
        // Blocks of 16×16 so that both the reads and the writes stay within a few cache lines.
        pool.parallelFor(N, 16, (n0, n1) -> {
            for (int k0 = 0; k0 < K; k0 += 16) {
                int k1 = Math.min(K, k0 + 16);
                for (int n = n0; n < n1; n++)
                    for (int k = k0; k < k1; k++) dst[n * K + k] = src[k * N + n];
            }
        });
    }

    /** dinp[M,K] = dout[M,N]·weight[K,N]ᵀ; dweight[K,N] += inpᵀ·dout; dbias[N] += Σ_m dout. */
    static void matmulBackward(ComputePool pool, float[] dinp, float[] dweight, float[] dbias, float[] dout,
                               float[] inp, float[] weight, int M, int K, int N) {
        Matmul.matmulTransposedB(pool, dinp, dout, weight, M, N, K);
        MatmulGrad.weightGrad(pool, dweight, dbias, inp, dout, M, K, N);
    }

    // ---------------------------------------------------------------- attention

    /**
     * Causal self-attention with a right-padding mask.
     * <pre>
     * qkv [B,T,3C]   q | k | v; head h owns columns h·hd .. h·hd+hd-1 of each
     * out [B,T,C]    Σ_s att[b,h,t,s] · v[b,s,h]
     * att [B,NH,T,T] softmax over s ≤ t of q·k/√hd, kept for the backward (entries s > t unused)
     * kT  [B,NH,hd,T] scratch: each head's keys transposed
     * </pre>
     * Positions t ≥ lengths[b] are padding: output zero, no attention row. Split over (row, head).
     * With the keys transposed, a query's scores are hd vector updates along s instead of t+1
     * dot products, so no horizontal sum is needed (their float order would not be fixed).
     */
    static void attentionForward(ComputePool pool, float[] out, float[] att, float[] kT, float[] qkv, int[] lengths,
                                 int B, int T, int C, int NH) {
        int hd = C / NH;
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(B * NH, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int b = i / NH, h = i % NH;
                int len = lengths[b];
                int tb = i * hd * T;
                transposeHead(kT, tb, qkv, (b * T) * 3 * C + C + h * hd, 3 * C, len, hd, T);
                for (int t = 0; t < T; t++) {
                    int oo = (b * T + t) * C + h * hd;
                    zero(out, oo, hd);
                    if (t >= len) continue;
                    int qo = (b * T + t) * 3 * C + h * hd;
                    int ao = ((b * NH + h) * T + t) * T;
                    int n = t + 1;
                    // Scores for whole vectors of keys (up to T): entries past t are computed from stale
                    // keys and never read, and saving the scalar tail makes short rows much cheaper.
                    int nv = vectorSpan(n, T);
                    zero(att, ao, nv);
                    for (int d = 0; d < hd; d++) axpy(qkv[qo + d] * scale, kT, tb + d * T, att, ao, nv);
                    Softmax.softmax(att, ao, n);
                    for (int s = 0; s <= t; s++) {
                        int vo = (b * T + s) * 3 * C + 2 * C + h * hd;
                        axpy(att[ao + s], qkv, vo, out, oo, hd);
                    }
                }
            }
        });
    }

    /**
     * dqkv[B,T,3C] (written) from dout[B,T,C], with the kept att[B,NH,T,T].
     * scratch holds B·NH·T floats (one row of d(att) per task), vT B·NH·hd·T (values transposed).
     * Split over (row, head): a task writes only its own head's columns of its own row.
     */
    static void attentionBackward(ComputePool pool, float[] dqkv, float[] scratch, float[] vT, float[] dout, float[] qkv,
                                  float[] att, int[] lengths, int B, int T, int C, int NH) {
        int hd = C / NH;
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.parallelFor(B * NH, 1, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int b = i / NH, h = i % NH;
                int len = lengths[b];
                for (int t = 0; t < T; t++) {
                    int base = (b * T + t) * 3 * C + h * hd;
                    zero(dqkv, base, hd);
                    zero(dqkv, base + C, hd);
                    zero(dqkv, base + 2 * C, hd);
                }
                int tb = i * hd * T;
                transposeHead(vT, tb, qkv, (b * T) * 3 * C + 2 * C + h * hd, 3 * C, len, hd, T);
                int so = i * T;
                for (int t = 0; t < len; t++) {
                    int ao = ((b * NH + h) * T + t) * T;
                    int go = (b * T + t) * C + h * hd;
                    int qo = (b * T + t) * 3 * C + h * hd;
                    int n = t + 1;
                    // out_t = Σ_s att_s v_s  ->  datt_s = dout_t·v_s,  dv_s += att_s dout_t
                    int nv = vectorSpan(n, T); // as in the forward: whole vectors, entries past t unused
                    zero(scratch, so, nv);
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

    /** n rounded up to whole vectors, but at most T. */
    private static int vectorSpan(int n, int T) {
        int L = S.length();
        return Math.min(T, (n + L - 1) / L * L);
    }

    /** dst[off + d·T + s] = src[srcOff + s·stride + d] for s < len, d < hd: one head's keys or values, transposed. */
    private static void transposeHead(float[] dst, int off, float[] src, int srcOff, int stride, int len, int hd, int T) {
        for (int s = 0; s < len; s++) {
            int so = srcOff + s * stride;
            for (int d = 0; d < hd; d++) dst[off + d * T + s] = src[so + d];
        }
    }

    // ---------------------------------------------------------------- GELU

    /**
     * out[n] = gelu(inp) = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), keeping the tanh in th[n]
     * for the backward (the inference kernel does not keep it, hence this training twin).
     */
    static void geluForward(ComputePool pool, float[] out, float[] th, float[] inp, int n) {
        pool.parallelFor(n, 4096, (i0, i1) -> {
            int L = S.length();
            int i = i0;
            for (; i + L <= i1; i += L) {
                FloatVector x = FloatVector.fromArray(S, inp, i);
                FloatVector u = x.mul(x).mul(0.044715f).add(1f).mul(x).mul(GELU_K);
                FloatVector t = tanh(u);
                t.intoArray(th, i);
                t.add(1f).mul(x).mul(0.5f).intoArray(out, i);
            }
            for (; i < i1; i++) {
                float x = inp[i];
                float t = tanh(GELU_K * (x + 0.044715f * x * x * x));
                th[i] = t;
                out[i] = 0.5f * x * (1f + t);
            }
        });
    }

    /** d[i] ← d[i] · gelu'(inp[i]) for i in [0, n), with th the tanh kept by the forward: dout becomes dinp in place. */
    static void geluBackwardInPlace(ComputePool pool, float[] d, float[] inp, float[] th, int n) {
        pool.parallelFor(n, 4096, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                float x = inp[i], t = th[i];
                float local = 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * GELU_K * (1f + 3f * 0.044715f * x * x);
                d[i] *= local;
            }
        });
    }

    // ---------------------------------------------------------------- tied LM head and loss

    /**
     * Cross-entropy of the rows in use. logits[R,V] become probabilities and then d(loss)/d(logits)
     * in place (softmax − one-hot, scaled by 1/R: the loss is the mean over the R target tokens).
     * rowLoss[R] receives −log p(target) of each row.
     */
    static void crossEntropyForwardBackward(ComputePool pool, float[] logits, float[] rowLoss, int[] rowTarget, int R, int V) {
        float inv = 1f / R;
        pool.parallelFor(R, 4, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * V;
                Softmax.softmax(logits, o, V);
                int target = rowTarget[r];
                rowLoss[r] = (float) -Math.log(Math.max(logits[o + target], Float.MIN_NORMAL));
                for (int v = 0; v < V; v++) logits[o + v] *= inv;
                logits[o + target] -= inv;
            }
        });
    }

    /** Cross-entropy of the rows without their gradient (held-out evaluation); logits become probabilities. */
    static void crossEntropyForward(ComputePool pool, float[] logits, float[] rowLoss, int[] rowTarget, int R, int V) {
        pool.parallelFor(R, 4, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * V;
                Softmax.softmax(logits, o, V);
                rowLoss[r] = (float) -Math.log(Math.max(logits[o + rowTarget[r]], Float.MIN_NORMAL));
            }
        });
    }

    // ---------------------------------------------------------------- small vector helpers

    // tanh(u) = sign(u)·(1 − e)/(1 + e) with e = exp(−2|u|) ∈ (0, 1]; exp by range reduction
    // e = 2^k·exp(r), |r| ≤ ln2/2, and a degree-6 Taylor polynomial (error < 2e-7 relative).
    // Only IEEE lane operations, so interpreted and compiled code give the same bits (the
    // Vector API's TANH and EXP may not), and the absolute error stays below 3e-7.
    private static final float LOG2E = 1.4426950408889634f;
    private static final float LN2_HI = 0.693145751953125f, LN2_LO = 1.428606765330187e-06f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final float EXP_FLOOR = -87f;        // below this e is 0 to float precision anyway

    static FloatVector tanh(FloatVector u) {
        FloatVector y = u.abs().mul(-2f).max(EXP_FLOOR);
        FloatVector k = y.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = k.mul(-LN2_HI).add(y).sub(k.mul(LN2_LO));
        FloatVector p = r.mul(1f / 720).add(1f / 120).mul(r).add(1f / 24).mul(r).add(1f / 6).mul(r).add(0.5f).mul(r).add(1f).mul(r).add(1f);
        IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = p.mul(bits.reinterpretAsFloats());
        FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        return t.blend(t.neg(), u.compare(VectorOperators.LT, 0f));
    }

    /** Scalar twin of {@link #tanh(FloatVector)}: the same operations, the same result. */
    static float tanh(float u) {
        float y = Math.max(-2f * Math.abs(u), EXP_FLOOR);
        float k = (y * LOG2E + ROUND_MAGIC) - ROUND_MAGIC;
        float r = (k * -LN2_HI + y) - k * LN2_LO;
        float p = ((((((r * (1f / 720) + 1f / 120) * r + 1f / 24) * r + 1f / 6) * r + 0.5f) * r + 1f) * r) + 1f;
        float e = p * Float.intBitsToFloat(((int) k + 127) << 23);
        float t = (1f - e) / (e + 1f);
        return u < 0f ? -t : t;
    }

    /** y[yo .. yo+n) += alpha · x[xo .. xo+n). */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n >= S.length()) {
            FloatVector a = FloatVector.broadcast(S, alpha);
            for (; i + S.length() <= n; i += S.length())
                FloatVector.fromArray(S, x, xo + i).fma(a, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    private static void zero(float[] a, int off, int n) {
        java.util.Arrays.fill(a, off, off + n, 0f);
    }
}
