package miniserve.kernels;

/** Small element-wise kernels: the residual add and the greedy argmax. */
public final class Elementwise {
    private Elementwise() {}

    /** acc[i] += x[i] for i in [0, n): the residual connection. */
    public static void addInPlace(float[] acc, float[] x, int n) {
        // TODO(kernels): Vector API.
        addInPlaceScalar(acc, x, n);
    }

    public static void addInPlaceScalar(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) acc[i] += x[i];
    }

    /** Index of the largest of x[off .. off+n), the lowest index on ties. */
    public static int argmax(float[] x, int off, int n) {
        // TODO(kernels): Vector API.
        return argmaxScalar(x, off, n);
    }

    public static int argmaxScalar(float[] x, int off, int n) {
        int best = 0;
        float bestV = x[off];
        for (int i = 1; i < n; i++) {
            if (x[off + i] > bestV) {
                bestV = x[off + i];
                best = i;
            }
        }
        return best;
    }
}
