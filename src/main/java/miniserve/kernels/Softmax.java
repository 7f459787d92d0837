package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Numerically stable softmax of x[off .. off+n), in place. The exponentials are
 * {@link ReproducibleMath#exp}, the same bits in both forms; the vector form sums them with
 * {@link ReproducibleMath#sum} (a partial sum per lane, the lanes added in a fixed order) and the
 * scalar twin in sequence, so the two differ by rounding. The max is exact in any order.
 */
public final class Softmax {
    private Softmax() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    public static void softmax(float[] x, int off, int n) {
        int end = F.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        if (end > 0) {
            FloatVector m = FloatVector.fromArray(F, x, off);
            for (int i = L; i < end; i += L) m = m.max(FloatVector.fromArray(F, x, off + i));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (int i = end; i < n; i++) max = Math.max(max, x[off + i]);

        ReproducibleMath.exp(x, off, n, max);
        float inv = 1f / ReproducibleMath.sum(x, off, n);
        for (int i = 0; i < end; i += L) FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        for (int i = end; i < n; i++) x[off + i] *= inv;
    }

    public static void softmaxScalar(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = ReproducibleMath.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }
}
