package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small element-wise kernels: the residual add and the greedy argmax. */
public final class Elementwise {
    private Elementwise() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** acc[i] += x[i] for i in [0, n): the residual connection. */
    public static void addInPlace(float[] acc, float[] x, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, acc, i).add(FloatVector.fromArray(F, x, i)).intoArray(acc, i);
        }
        for (; i < n; i++) acc[i] += x[i];
    }

    public static void addInPlaceScalar(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) acc[i] += x[i];
    }

    /** Index of the largest of x[off .. off+n), the lowest index on ties. */
    public static int argmax(float[] x, int off, int n) {
        if (n < 1) throw new IllegalArgumentException("argmax of an empty range");
        // Pass 1: the maximum, lane-wise. Pass 2: the first index that holds it.
        int end = F.loopBound(n);
        float max = x[off];
        if (end > 0) {
            FloatVector best = FloatVector.fromArray(F, x, off);
            for (int i = L; i < end; i += L) best = best.max(FloatVector.fromArray(F, x, off + i));
            max = best.reduceLanes(VectorOperators.MAX);
        }
        for (int i = end; i < n; i++) max = Math.max(max, x[off + i]);
        // NaN compares unequal to everything; the scalar rule (first element wins) then applies.
        if (Float.isNaN(max)) return argmaxScalar(x, off, n);
        FloatVector target = FloatVector.broadcast(F, max);
        for (int i = 0; i < end; i += L) {
            VectorMask<Float> hit = FloatVector.fromArray(F, x, off + i).eq(target);
            if (hit.anyTrue()) return i + hit.firstTrue();
        }
        for (int i = end; i < n; i++) {
            if (x[off + i] == max) return i;
        }
        return argmaxScalar(x, off, n); // unreachable: max is one of the values
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
