package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** GELU, tanh approximation as in GPT-2: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
public final class Gelu {
    private Gelu() {}

    static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /**
     * out[i] = gelu(x[i]) for i in [0, n); out may alias x.
     *
     * <p>Computed as x / (1 + exp(-2u)) with u = √(2/π)·(x + 0.044715·x³), which equals
     * 0.5·x·(1 + tanh(u)) and avoids the cancellation of 1 + tanh(u) for negative x. The
     * vector exp is the JDK's (Intel SVML on x86), about 20 times faster than Math.tanh.
     */
    public static void gelu(float[] out, float[] x, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector minus2u = v.mul(v).mul(0.044715f).fma(v, v).mul(-2f * SQRT_2_OVER_PI);
            v.div(minus2u.lanewise(VectorOperators.EXP).add(1f)).intoArray(out, i);
        }
        for (; i < n; i++) {
            float v = x[i];
            out[i] = v / (1f + (float) Math.exp(-2f * SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
        }
    }

    public static void geluScalar(float[] out, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            out[i] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)));
        }
    }
}
