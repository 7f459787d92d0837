package miniserve.kernels;

/** LayerNorm over the last dimension: out[m,:] = (x[m,:] - mean) / sqrt(var + eps) * gamma + beta. */
public final class LayerNorm {
    private LayerNorm() {}

    public static void layerNorm(float[] out, float[] x, float[] gamma, float[] beta, int M, int C, float eps) {
        // TODO(kernels): Vector API.
        layerNormScalar(out, x, gamma, beta, M, C, eps);
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
