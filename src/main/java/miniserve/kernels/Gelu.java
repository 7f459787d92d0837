package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU, tanh approximation as in GPT-2, forward and backward (llm.c's gelu_forward and
 * gelu_backward):
 * <pre>
 * gelu(x) = 0.5·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
 * </pre>
 * tanh is {@link ReproducibleMath#tanh}, so the vector form, its scalar twin, the interpreter and
 * compiled code all give the same bits.
 */
public final class Gelu {
    private Gelu() {}

    static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float CUBIC = 0.044715f;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Elements per task when a call is split across the pool (a multiple of every vector length). */
    private static final int GRAIN = 4096;
    /** Below this many elements a call runs on the calling thread (no task is allocated). */
    private static final int PARALLEL_MIN = 1 << 16;

    /**
     * out[i] = gelu(x[i]) for i in [0, n), keeping tanh(u) in th[i] for the backward unless th
     * is null. out may alias x.
     */
    public static void forward(ComputePool pool, float[] out, float[] th, float[] x, int n) {
        if (pool.threads() == 1 || n < PARALLEL_MIN) forwardRange(out, th, x, 0, n);
        else pool.parallelFor(n, GRAIN, (i0, i1) -> forwardRange(out, th, x, i0, i1));
    }

    /** Floats of u per pass: a chunk stays in L1 between its three passes. */
    private static final int CHUNK = 256;

    private static void forwardRange(float[] out, float[] th, float[] x, int i0, int i1) {
        float[] t = Scratch.floats(CHUNK);
        for (int c0 = i0; c0 < i1; c0 += CHUNK) {
            int n = Math.min(CHUNK, i1 - c0);
            int i = 0;
            for (int end = F.loopBound(n); i < end; i += L) {
                FloatVector v = FloatVector.fromArray(F, x, c0 + i);
                v.mul(v).mul(CUBIC).add(1f).mul(v).mul(SQRT_2_OVER_PI).intoArray(t, i);
            }
            for (; i < n; i++) {
                float v = x[c0 + i];
                t[i] = (v * v * CUBIC + 1f) * v * SQRT_2_OVER_PI;
            }
            ReproducibleMath.tanh(t, 0, n);
            if (th != null) System.arraycopy(t, 0, th, c0, n);
            i = 0;
            for (int end = F.loopBound(n); i < end; i += L) {
                FloatVector.fromArray(F, t, i).add(1f).mul(FloatVector.fromArray(F, x, c0 + i)).mul(0.5f).intoArray(out, c0 + i);
            }
            for (; i < n; i++) out[c0 + i] = (t[i] + 1f) * x[c0 + i] * 0.5f;
        }
    }

    /** Scalar twin of {@link #forward}: the same operations, the same bits. */
    public static void forwardScalar(float[] out, float[] th, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = ReproducibleMath.tanh((v * v * CUBIC + 1f) * v * SQRT_2_OVER_PI);
            if (th != null) th[i] = t;
            out[i] = (t + 1f) * v * 0.5f;
        }
    }

    /** d[i] ← d[i]·gelu'(x[i]) for i in [0, n), with th the tanh kept by the forward: dout becomes dx in place. */
    public static void backward(ComputePool pool, float[] d, float[] x, float[] th, int n) {
        pool.parallelFor(n, GRAIN, (i0, i1) -> {
            int i = i0;
            for (; i + L <= i1; i += L) {
                FloatVector v = FloatVector.fromArray(F, x, i), t = FloatVector.fromArray(F, th, i);
                FloatVector slope = v.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(SQRT_2_OVER_PI)
                        .mul(v.mul(3f * CUBIC).mul(v).add(1f));
                FloatVector local = t.add(1f).mul(0.5f).add(slope);
                FloatVector.fromArray(F, d, i).mul(local).intoArray(d, i);
            }
            for (; i < i1; i++) d[i] *= derivative(x[i], th[i]);
        });
    }

    /** Scalar twin of {@link #backward}. */
    public static void backwardScalar(float[] d, float[] x, float[] th, int n) {
        for (int i = 0; i < n; i++) d[i] *= derivative(x[i], th[i]);
    }

    /** gelu'(x) = 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²), t = tanh(u). */
    private static float derivative(float x, float t) {
        return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * SQRT_2_OVER_PI * (1f + 3f * CUBIC * x * x);
    }
}
