package miniserve.kernels;

/** Numerically stable softmax of x[off .. off+n), in place. */
public final class Softmax {
    private Softmax() {}

    public static void softmax(float[] x, int off, int n) {
        // TODO(kernels): Vector API.
        softmaxScalar(x, off, n);
    }

    public static void softmaxScalar(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }
}
