package miniserve.kernels;

/** GELU, tanh approximation as in GPT-2: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
public final class Gelu {
    private Gelu() {}

    static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    /** out[i] = gelu(x[i]) for i in [0, n); out may alias x. */
    public static void gelu(float[] out, float[] x, int n) {
        // TODO(kernels): Vector API.
        geluScalar(out, x, n);
    }

    public static void geluScalar(float[] out, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            out[i] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
        }
    }
}
