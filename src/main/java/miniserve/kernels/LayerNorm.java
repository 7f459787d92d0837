package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** LayerNorm over the last dimension: out[m,:] = (x[m,:] - mean) / sqrt(var + eps) * gamma + beta. */
public final class LayerNorm {
    private LayerNorm() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** Vector form of {@link #layerNormScalar}; out may alias x. Two passes (mean, then variance) as the scalar twin. */
    public static void layerNorm(float[] out, float[] x, float[] gamma, float[] beta, int M, int C, float eps) {
        int end = F.loopBound(C);
        for (int m = 0; m < M; m++) {
            int o = m * C;
            FloatVector vs = FloatVector.zero(F);
            for (int c = 0; c < end; c += L) vs = vs.add(FloatVector.fromArray(F, x, o + c));
            float sum = vs.reduceLanes(VectorOperators.ADD);
            for (int c = end; c < C; c++) sum += x[o + c];
            float mean = sum / C;

            FloatVector vmean = FloatVector.broadcast(F, mean);
            FloatVector vv = FloatVector.zero(F);
            for (int c = 0; c < end; c += L) {
                FloatVector d = FloatVector.fromArray(F, x, o + c).sub(vmean);
                vv = d.fma(d, vv);
            }
            float var = vv.reduceLanes(VectorOperators.ADD);
            for (int c = end; c < C; c++) {
                float d = x[o + c] - mean;
                var += d * d;
            }
            var /= C;
            float rstd = (float) (1.0 / Math.sqrt(var + eps));

            for (int c = 0; c < end; c += L) {
                FloatVector g = FloatVector.fromArray(F, gamma, c).mul(rstd);
                FloatVector.fromArray(F, x, o + c).sub(vmean).fma(g, FloatVector.fromArray(F, beta, c)).intoArray(out, o + c);
            }
            for (int c = end; c < C; c++) out[o + c] = (x[o + c] - mean) * rstd * gamma[c] + beta[c];
        }
    }

    /** Scalar twin of {@link #layerNorm}; out may alias x. */
    public static void layerNormScalar(float[] out, float[] x, float[] gamma, float[] beta, int M, int C, float eps) {
        for (int m = 0; m < M; m++) {
            int o = m * C;
            float mean = 0f;
            for (int c = 0; c < C; c++) mean += x[o + c];
            mean /= C;
            float var = 0f;
            for (int c = 0; c < C; c++) {
                float d = x[o + c] - mean;
                var += d * d;
            }
            var /= C;
            float rstd = (float) (1.0 / Math.sqrt(var + eps));
            for (int c = 0; c < C; c++) out[o + c] = (x[o + c] - mean) * rstd * gamma[c] + beta[c];
        }
    }
}
