package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GELU, tanh approximation as in GPT-2, forward and backward (llm.c's gelu_forward and
 * gelu_backward):
 * <pre>
 * gelu(x) = 0.5·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
 * </pre>
 * tanh is computed here from IEEE lane operations only (see {@link #tanh(FloatVector)}), so the
 * vector form, its scalar twin, the interpreter and compiled code all give the same bits.
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

    private static void forwardRange(float[] out, float[] th, float[] x, int i0, int i1) {
        int i = i0;
        for (; i + L <= i1; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            FloatVector t = tanh(v.mul(v).mul(CUBIC).add(1f).mul(v).mul(SQRT_2_OVER_PI));
            if (th != null) t.intoArray(th, i);
            t.add(1f).mul(v).mul(0.5f).intoArray(out, i);
        }
        for (; i < i1; i++) {
            float v = x[i];
            float t = tanh((v * v * CUBIC + 1f) * v * SQRT_2_OVER_PI);
            if (th != null) th[i] = t;
            out[i] = (t + 1f) * v * 0.5f;
        }
    }

    /** Scalar twin of {@link #forward}: the same operations, the same bits. */
    public static void forwardScalar(float[] out, float[] th, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = tanh((v * v * CUBIC + 1f) * v * SQRT_2_OVER_PI);
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

    // tanh(u) = sign(u)·(1 − e)/(1 + e) with e = exp(−2|u|) ∈ (0, 1]; exp by range reduction
    // e = 2^k·exp(r), |r| ≤ ln2/2, and a degree-6 Taylor polynomial (error < 2e-7 relative).
    // Only IEEE lane operations, so interpreted and compiled code give the same bits (the
    // Vector API's TANH and EXP may not), and the absolute error stays below 3e-7.
    private static final float LOG2E = 1.4426950408889634f;
    private static final float LN2_HI = 0.693145751953125f, LN2_LO = 1.428606765330187e-06f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5·2^23: adding it rounds to an integer
    private static final float EXP_FLOOR = -87f;        // below this e is 0 to float precision anyway

    static FloatVector tanh(FloatVector u) {
        FloatVector y = u.abs().mul(-2f).max(EXP_FLOOR);
        FloatVector k = y.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = k.mul(-LN2_HI).add(y).sub(k.mul(LN2_LO));
        FloatVector p = r.mul(1f / 720).add(1f / 120).mul(r).add(1f / 24).mul(r).add(1f / 6).mul(r).add(0.5f).mul(r).add(1f).mul(r).add(1f);
        IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = p.mul(bits.reinterpretAsFloats());
        FloatVector t = FloatVector.broadcast(F, 1f).sub(e).div(e.add(1f));
        return t.blend(t.neg(), u.compare(VectorOperators.LT, 0f));
    }

    /** Scalar twin of {@link #tanh(FloatVector)}: the same operations, the same result. */
    static float tanh(float u) {
        float y = Math.max(-2f * Math.abs(u), EXP_FLOOR);
        float k = (y * LOG2E + ROUND_MAGIC) - ROUND_MAGIC;
        float r = (k * -LN2_HI + y) - k * LN2_LO;
        float p = ((((((r * (1f / 720) + 1f / 120) * r + 1f / 24) * r + 1f / 6) * r + 0.5f) * r + 1f) * r) + 1f;
        float e = p * Float.intBitsToFloat(((int) k + 127) << 23);
        float t = (1f - e) / (e + 1f);
        return u < 0f ? -t : t;
    }
}
