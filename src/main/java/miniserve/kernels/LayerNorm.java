package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm over the channels of each row, forward and backward (llm.c's layernorm_forward
 * and layernorm_backward).
 *
 * <pre>
 * x, out      [R, C]   out = (x - mean) · rstd · weight + bias, rstd = 1/√(var + eps)
 * mean, rstd  [R]      kept by the forward for the backward (training); null when not needed
 * </pre>
 * A row's mean and variance are summed along the row in order, as in the scalar twin, so the
 * vector form gives the twin's bits exactly and a row's result does not depend on the batch
 * around it; four rows are summed side by side so that their adds overlap.
 */
public final class LayerNorm {
    private LayerNorm() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Rows per task when a call is split across the pool. */
    private static final int ROW_GRAIN = 8;
    /** Columns per task in the backward's parameter gradients. */
    private static final int COLUMN_GRAIN = 16;
    /** Below this many elements a call runs on the calling thread (a hand-off costs more; no task is allocated). */
    private static final int PARALLEL_MIN = 1 << 16;

    /** out[R, C] = layernorm(x); mean[R] and rstd[R] kept unless null. out may alias x. */
    public static void forward(ComputePool pool, float[] out, float[] mean, float[] rstd, float[] x, float[] weight, float[] bias,
                               int R, int C, float eps) {
        if (pool.threads() == 1 || (long) R * C < PARALLEL_MIN) forwardRows(out, mean, rstd, x, weight, bias, C, eps, 0, R);
        else pool.parallelFor(R, ROW_GRAIN, (r0, r1) -> forwardRows(out, mean, rstd, x, weight, bias, C, eps, r0, r1));
    }

    private static void forwardRows(float[] out, float[] mean, float[] rstd, float[] x, float[] weight, float[] bias,
                                    int C, float eps, int r0, int r1) {
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int o0 = r * C, o1 = o0 + C, o2 = o1 + C, o3 = o2 + C;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int c = 0; c < C; c++) {
                s0 += x[o0 + c];
                s1 += x[o1 + c];
                s2 += x[o2 + c];
                s3 += x[o3 + c];
            }
            float m0 = s0 / C, m1 = s1 / C, m2 = s2 / C, m3 = s3 / C;
            float v0 = 0f, v1 = 0f, v2 = 0f, v3 = 0f;
            for (int c = 0; c < C; c++) {
                float d0 = x[o0 + c] - m0, d1 = x[o1 + c] - m1, d2 = x[o2 + c] - m2, d3 = x[o3 + c] - m3;
                v0 += d0 * d0;
                v1 += d1 * d1;
                v2 += d2 * d2;
                v3 += d3 * d3;
            }
            normalize(out, mean, rstd, x, weight, bias, C, r, m0, rstd(v0 / C, eps));
            normalize(out, mean, rstd, x, weight, bias, C, r + 1, m1, rstd(v1 / C, eps));
            normalize(out, mean, rstd, x, weight, bias, C, r + 2, m2, rstd(v2 / C, eps));
            normalize(out, mean, rstd, x, weight, bias, C, r + 3, m3, rstd(v3 / C, eps));
        }
        for (; r < r1; r++) {
            float mu = rowMean(x, r * C, C);
            normalize(out, mean, rstd, x, weight, bias, C, r, mu, rowRstd(x, r * C, C, mu, eps));
        }
    }

    private static float rowMean(float[] x, int o, int C) {
        float s = 0f;
        for (int c = 0; c < C; c++) s += x[o + c];
        return s / C;
    }

    private static float rowRstd(float[] x, int o, int C, float mu, float eps) {
        float v = 0f;
        for (int c = 0; c < C; c++) {
            float d = x[o + c] - mu;
            v += d * d;
        }
        return rstd(v / C, eps);
    }

    private static float rstd(float var, float eps) {
        return (float) (1.0 / Math.sqrt(var + eps));
    }

    /** Row r of out from its statistics, lane by lane with the scalar twin's operations. */
    private static void normalize(float[] out, float[] mean, float[] rstd, float[] x, float[] weight, float[] bias, int C,
                                  int r, float mu, float rs) {
        int o = r * C, c = 0;
        FloatVector vmu = FloatVector.broadcast(F, mu), vrs = FloatVector.broadcast(F, rs);
        for (int end = F.loopBound(C); c < end; c += L) {
            FloatVector.fromArray(F, x, o + c).sub(vmu).mul(vrs).mul(FloatVector.fromArray(F, weight, c))
                    .add(FloatVector.fromArray(F, bias, c)).intoArray(out, o + c);
        }
        for (; c < C; c++) out[o + c] = (x[o + c] - mu) * rs * weight[c] + bias[c];
        if (mean != null) mean[r] = mu;
        if (rstd != null) rstd[r] = rs;
    }

    /** Scalar twin of {@link #forward}. */
    public static void forwardScalar(float[] out, float[] mean, float[] rstd, float[] x, float[] weight, float[] bias,
                                     int R, int C, float eps) {
        for (int r = 0; r < R; r++) {
            int o = r * C;
            float mu = 0f;
            for (int c = 0; c < C; c++) mu += x[o + c];
            mu /= C;
            float var = 0f;
            for (int c = 0; c < C; c++) var += (x[o + c] - mu) * (x[o + c] - mu);
            float rs = (float) (1.0 / Math.sqrt(var / C + eps));
            for (int c = 0; c < C; c++) out[o + c] = (x[o + c] - mu) * rs * weight[c] + bias[c];
            if (mean != null) mean[r] = mu;
            if (rstd != null) rstd[r] = rs;
        }
    }

    /**
     * dx[R, C] += the input gradient; dweight[C] += Σ_r norm·dout; dbias[C] += Σ_r dout, with
     * norm = (x - mean)·rstd recomputed from the forward's statistics.
     */
    public static void backward(ComputePool pool, float[] dx, float[] dweight, float[] dbias, float[] dout, float[] x,
                                float[] weight, float[] mean, float[] rstd, int R, int C) {
        pool.parallelFor(R, ROW_GRAIN, (r0, r1) -> {
            for (int r = r0; r < r1; r++) inputGradRow(dx, dout, x, weight, mean[r], rstd[r], r * C, C);
        });
        pool.parallelFor(C, COLUMN_GRAIN, (c0, c1) -> {
            for (int r = 0; r < R; r++) parameterGradRow(dweight, dbias, dout, x, mean[r], rstd[r], r * C, c0, c1);
        });
    }

    /**
     * dnorm = weight·dout; the input gradient is dnorm less its mean and its projection on norm,
     * times rstd. The two means are sums along the row in order; the rest goes lane by lane.
     */
    private static void inputGradRow(float[] dx, float[] dout, float[] x, float[] weight, float mu, float rs, int o, int C) {
        float dnormMean = 0f, dnormNormMean = 0f;
        for (int c = 0; c < C; c++) {
            float norm = (x[o + c] - mu) * rs;
            float dnorm = weight[c] * dout[o + c];
            dnormMean += dnorm;
            dnormNormMean += dnorm * norm;
        }
        dnormMean /= C;
        dnormNormMean /= C;
        int c = 0;
        FloatVector vmu = FloatVector.broadcast(F, mu), vrs = FloatVector.broadcast(F, rs);
        for (int end = F.loopBound(C); c < end; c += L) {
            FloatVector norm = FloatVector.fromArray(F, x, o + c).sub(vmu).mul(vrs);
            FloatVector dnorm = FloatVector.fromArray(F, weight, c).mul(FloatVector.fromArray(F, dout, o + c));
            FloatVector g = dnorm.sub(dnormMean).sub(norm.mul(dnormNormMean)).mul(vrs);
            FloatVector.fromArray(F, dx, o + c).add(g).intoArray(dx, o + c);
        }
        for (; c < C; c++) {
            float norm = (x[o + c] - mu) * rs;
            float dnorm = weight[c] * dout[o + c];
            dx[o + c] += (dnorm - dnormMean - norm * dnormNormMean) * rs;
        }
    }

    /** Row r's share of dweight and dbias over columns [c0, c1). */
    private static void parameterGradRow(float[] dweight, float[] dbias, float[] dout, float[] x, float mu, float rs,
                                         int o, int c0, int c1) {
        int c = c0;
        FloatVector vmu = FloatVector.broadcast(F, mu), vrs = FloatVector.broadcast(F, rs);
        for (; c + L <= c1; c += L) {
            FloatVector d = FloatVector.fromArray(F, dout, o + c);
            FloatVector norm = FloatVector.fromArray(F, x, o + c).sub(vmu).mul(vrs);
            FloatVector.fromArray(F, dweight, c).add(norm.mul(d)).intoArray(dweight, c);
            FloatVector.fromArray(F, dbias, c).add(d).intoArray(dbias, c);
        }
        for (; c < c1; c++) {
            dweight[c] += (x[o + c] - mu) * rs * dout[o + c];
            dbias[c] += dout[o + c];
        }
    }

    /** Scalar twin of {@link #backward}. */
    public static void backwardScalar(float[] dx, float[] dweight, float[] dbias, float[] dout, float[] x, float[] weight,
                                      float[] mean, float[] rstd, int R, int C) {
        for (int r = 0; r < R; r++) {
            int o = r * C;
            float mu = mean[r], rs = rstd[r];
            float dnormMean = 0f, dnormNormMean = 0f;
            for (int c = 0; c < C; c++) {
                dnormMean += weight[c] * dout[o + c];
                dnormNormMean += weight[c] * dout[o + c] * ((x[o + c] - mu) * rs);
            }
            dnormMean /= C;
            dnormNormMean /= C;
            for (int c = 0; c < C; c++) {
                float norm = (x[o + c] - mu) * rs;
                dx[o + c] += (weight[c] * dout[o + c] - dnormMean - norm * dnormNormMean) * rs;
                dweight[c] += norm * dout[o + c];
                dbias[c] += dout[o + c];
            }
        }
    }
}
