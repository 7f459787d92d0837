package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and the sum of many floats, built only from lane operations whose result IEEE 754
 * fixes to the bit (add, mul, fma, div, min/max, compares, blends, shuffles, bit reinterpretation),
 * each beside a scalar twin that gives the same bits. So a kernel gives the same bits interpreted,
 * compiled by C1 and compiled by C2: the Vector API's own EXP and TANH are Intel SVML stubs in C2
 * code and Math calls in the interpreter, and its {@code reduceLanes(ADD)} adds in an order each
 * tier chooses, which made a cold JVM's logits differ from a warm one's by up to 1e-5.
 *
 * <p>Accuracy, measured over every float: exp within 1.009 ulps of the exact value (subnormal
 * results included; 0 below -104, +∞ above 88.73); tanh within 1.066 ulps (±1 from |x| ≈ 9.01,
 * the sign of zero kept). ReproducibleMathTest checks a sweep of every 1021st float.
 *
 * <p>The vector forms work on arrays, not on vectors passed in: C2 inlines a helper that takes or
 * returns vectors only when its heuristics allow (call-site frequency, size, what it has already
 * compiled), and where it does not, every vector passed is allocated on the heap (softmax calling a
 * vector-taking exp had that call left out of line in one compile, and the decode benchmark's step
 * varied from 33 to 88 ms between runs).
 */
public final class ReproducibleMath {
    private ReproducibleMath() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    // ---------------------------------------------------------------- exp

    // exp(x) = 2^k · exp(r) with k = round(x·log2 e) and r = x − k·ln2, |r| ≤ ln2/2. ln2 is split
    // (Cody–Waite) into LN2_HI, the float nearest ln2, and LN2_LO, the rest: k·LN2_HI is subtracted
    // inside one fma and the difference, smaller than 1/2 on a 2^-24 grid, is exact. exp(r) =
    // 1 + r + r²·q(r), q a degree-4 minimax fit of (exp(r) − 1 − r)/r² (error 0.05 ulp before
    // rounding). 2^k is built from exponent bits in two factors 2^k1·2^k2, so that both stay normal
    // floats for every k in [-150, 128] and the result rounds once into the subnormals or overflows.
    private static final float EXP_MIN = -104f; // exp(-104) < 2^-150: rounds to 0
    private static final float EXP_MAX = 89f;   // exp(89) > 2^128: overflows to +∞
    private static final float LOG2E = 1.4426950216293335f;
    private static final float LN2_HI = 0.6931471824645996f, LN2_LO = -1.9046542121259336e-09f;
    /** 1.5·2^23: adding it rounds to an integer, which then sits in the low bits of the sum. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float E0 = 0.4999999403953552f, E1 = 0.1666652113199234f, E2 = 0.04166838899254799f,
            E3 = 0.008368716575205326f, E4 = 0.001381459878757596f;

    /** a[off + i] = e^(a[off + i] − shift) for i in [0, n); NaN gives NaN. */
    public static void exp(float[] a, int off, int n, float shift) {
        int i = 0;
        FloatVector vshift = FloatVector.broadcast(F, shift);
        for (int end = F.loopBound(n); i < end; i += L) expLanes(FloatVector.fromArray(F, a, off + i).sub(vshift)).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] = exp(a[off + i] - shift);
    }

    /** e^x lane-wise, the lanes of {@link #exp(float)}; for this class's loops only (see the class comment). */
    private static FloatVector expLanes(FloatVector x) {
        x = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector rounded = x.fma(LOG2E, ROUND);
        FloatVector k = rounded.sub(ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector q = r.fma(E4, E3).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E1))
                .fma(r, FloatVector.broadcast(F, E0));
        FloatVector p = q.fma(r.mul(r), r).add(1f);
        IntVector ki = rounded.reinterpretAsInts().sub(ROUND_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1), k2 = ki.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** e^x, the scalar twin of the vector lanes: the same operations, the same bits. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float rounded = Math.fma(x, LOG2E, ROUND);
        float k = rounded - ROUND;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float q = Math.fma(Math.fma(Math.fma(Math.fma(r, E4, E3), r, E2), r, E1), r, E0);
        float p = Math.fma(q, r * r, r) + 1f;
        int ki = Float.floatToRawIntBits(rounded) - ROUND_BITS;
        int k1 = ki >> 1, k2 = ki - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    // ---------------------------------------------------------------- tanh

    // tanh is odd: computed on a = |x| and given x's sign bit. Below TANH_POLY, tanh(a) = a + a³·P(a²),
    // P a degree-5 minimax fit (error 0.05 ulp before rounding) that avoids the cancellation of the
    // exp form near 0; above it, 1 − 2/(e^{2a} + 1), which reaches 1 by itself as e^{2a} grows.
    private static final float TANH_POLY = 0.75f;
    private static final float T0 = -0.3333333432674408f, T1 = 0.13333073258399963f, T2 = -0.05392007529735565f,
            T3 = 0.021541282534599304f, T4 = -0.00779239134863019f, T5 = 0.0018141816835850477f;
    private static final int SIGN_BIT = 0x80000000;

    /** a[off + i] = tanh(a[off + i]) for i in [0, n); NaN gives NaN. */
    public static void tanh(float[] a, int off, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector x = FloatVector.fromArray(F, a, off + i);
            FloatVector abs = x.abs();
            FloatVector z = abs.mul(abs);
            FloatVector poly = z.fma(T5, T4).fma(z, FloatVector.broadcast(F, T3)).fma(z, FloatVector.broadcast(F, T2))
                    .fma(z, FloatVector.broadcast(F, T1)).fma(z, FloatVector.broadcast(F, T0));
            FloatVector small = abs.mul(z).fma(poly, abs);
            FloatVector large = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(expLanes(abs.add(abs)).add(1f)));
            FloatVector t = large.blend(small, abs.lt(TANH_POLY));
            t.reinterpretAsInts().or(x.reinterpretAsInts().and(SIGN_BIT)).reinterpretAsFloats().intoArray(a, off + i);
        }
        for (; i < n; i++) a[off + i] = tanh(a[off + i]);
    }

    /** tanh(x), the scalar twin of the vector lanes: the same operations, the same bits. */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float z = a * a;
        float poly = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(z, T5, T4), z, T3), z, T2), z, T1), z, T0);
        float t = a < TANH_POLY ? Math.fma(a * z, poly, a) : 1f - 2f / (exp(a + a) + 1f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }

    // ---------------------------------------------------------------- lane sums

    // One summation tree for every lane sum: lane i is added to lane i + L/2, then to i + L/4, and so
    // on down to i + 1 (a butterfly: level j adds lane i^d to lane i, d = L >> (j+1)), so that for
    // L = 16 the sum is ((((v0+v8)+(v4+v12)) + ((v2+v10)+(v6+v14))) + (((v1+v9)+(v5+v13)) + ((v3+v11)+(v7+v15)))).
    // SWAPj exchanges the lanes d apart at level j, UPPERj marks the lanes whose index has bit d. The
    // first four levels are constants, which C2 folds into the instructions (read from an array, a
    // tile's sixteen sums took more than twice as long); the levels past the fourth, only in vectors wider than
    // 512 bits, come from an array.
    private static final int LEVELS = Integer.numberOfTrailingZeros(L);
    private static final VectorShuffle<Float> SWAP0 = swap(0), SWAP1 = swap(1), SWAP2 = swap(2), SWAP3 = swap(3);
    private static final VectorMask<Float> UPPER0 = upper(0), UPPER1 = upper(1), UPPER2 = upper(2), UPPER3 = upper(3);
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] SWAP_WIDE = new VectorShuffle[Math.max(0, LEVELS - 4)];

    static {
        for (int j = 4; j < LEVELS; j++) SWAP_WIDE[j - 4] = swap(j);
    }

    /** The lanes d = L >> (level+1) apart exchanged (no move past the last level). */
    private static VectorShuffle<Float> swap(int level) {
        int d = L >> (level + 1);
        return VectorShuffle.fromOp(F, i -> d >= 1 ? i ^ d : i);
    }

    /** The lanes whose index has bit d = L >> (level+1). */
    private static VectorMask<Float> upper(int level) {
        int d = L >> (level + 1);
        long bits = 0;
        for (int i = 0; i < L; i++) if ((i & d) != 0) bits |= 1L << i;
        return VectorMask.fromLong(F, bits);
    }

    /**
     * The sum of a[off .. off+n): one partial sum per lane over the whole vectors, the lanes added in
     * the fixed order above, then the last n mod L floats in sequence.
     */
    public static float sum(float[] a, int off, int n) {
        int i = 0, end = F.loopBound(n);
        FloatVector v = FloatVector.zero(F);
        for (; i < end; i += L) v = v.add(FloatVector.fromArray(F, a, off + i));
        if (LEVELS > 0) v = v.add(v.rearrange(SWAP0));
        if (LEVELS > 1) v = v.add(v.rearrange(SWAP1));
        if (LEVELS > 2) v = v.add(v.rearrange(SWAP2));
        if (LEVELS > 3) v = v.add(v.rearrange(SWAP3));
        for (VectorShuffle<Float> swap : SWAP_WIDE) v = v.add(v.rearrange(swap));
        float s = v.lane(0);
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    /** Scalar twin of {@link #sum}: the same additions in the same order. */
    static float sumScalar(float[] a, int off, int n) {
        int end = n - n % L;
        float[] lanes = new float[L];
        for (int i = 0; i < end; i += L) {
            for (int j = 0; j < L; j++) lanes[j] += a[off + i + j];
        }
        for (int d = L / 2; d >= 1; d /= 2) {
            for (int j = 0; j < d; j++) lanes[j] += lanes[j + d];
        }
        float s = lanes[0];
        for (int i = end; i < n; i++) s += a[off + i];
        return s;
    }

    /**
     * Replaces the four vectors stored at lanes[off], lanes[off + L], lanes[off + 2L], lanes[off + 3L]
     * with their lane sums at lanes[off .. off+4), each added in the fixed order above. The first two
     * levels of the tree run on two vectors at once (x.blend(y) + y.blend(x) with the lanes d apart
     * exchanged: x's pair sums in the lanes without bit d, y's in those with it), the rest on all
     * four together. Needs at least 4 lanes.
     */
    public static void sums4(float[] lanes, int off) {
        FloatVector a = FloatVector.fromArray(F, lanes, off), b = FloatVector.fromArray(F, lanes, off + L);
        FloatVector c = FloatVector.fromArray(F, lanes, off + 2 * L), d = FloatVector.fromArray(F, lanes, off + 3 * L);
        FloatVector ac = a.blend(c, UPPER0).add(c.blend(a, UPPER0).rearrange(SWAP0));
        FloatVector bd = b.blend(d, UPPER0).add(d.blend(b, UPPER0).rearrange(SWAP0));
        FloatVector v = ac.blend(bd, UPPER1).add(bd.blend(ac, UPPER1).rearrange(SWAP1)); // a, b, c, d in lanes 0, L/4, L/2, 3L/4
        if (LEVELS > 2) v = v.add(v.rearrange(SWAP2));
        if (LEVELS > 3) v = v.add(v.rearrange(SWAP3));
        for (VectorShuffle<Float> swap : SWAP_WIDE) v = v.add(v.rearrange(swap));
        v.intoArray(lanes, off);
        lanes[off + 1] = lanes[off + L / 4];
        lanes[off + 2] = lanes[off + L / 2];
        lanes[off + 3] = lanes[off + 3 * L / 4];
    }

    /**
     * Replaces the sixteen vectors stored at lanes[off + j·L] with their lane sums at
     * lanes[off .. off+16), each added in the fixed order above. With 16 lanes all four levels merge
     * pairs of vectors (8, 4, 2, then 1 merge), which leaves vector j's sum in lane j; otherwise
     * four {@link #sums4}.
     */
    public static void sums16(float[] lanes, int off) {
        if (L != 16) {
            for (int g = 0; g < 4; g++) {
                sums4(lanes, off + 4 * g * L);
                for (int j = 0; j < 4; j++) lanes[off + 4 * g + j] = lanes[off + 4 * g * L + j];
            }
            return;
        }
        FloatVector v0 = FloatVector.fromArray(F, lanes, off), v8 = FloatVector.fromArray(F, lanes, off + 8 * L);
        FloatVector v1 = FloatVector.fromArray(F, lanes, off + L), v9 = FloatVector.fromArray(F, lanes, off + 9 * L);
        FloatVector v2 = FloatVector.fromArray(F, lanes, off + 2 * L), v10 = FloatVector.fromArray(F, lanes, off + 10 * L);
        FloatVector v3 = FloatVector.fromArray(F, lanes, off + 3 * L), v11 = FloatVector.fromArray(F, lanes, off + 11 * L);
        FloatVector v4 = FloatVector.fromArray(F, lanes, off + 4 * L), v12 = FloatVector.fromArray(F, lanes, off + 12 * L);
        FloatVector v5 = FloatVector.fromArray(F, lanes, off + 5 * L), v13 = FloatVector.fromArray(F, lanes, off + 13 * L);
        FloatVector v6 = FloatVector.fromArray(F, lanes, off + 6 * L), v14 = FloatVector.fromArray(F, lanes, off + 14 * L);
        FloatVector v7 = FloatVector.fromArray(F, lanes, off + 7 * L), v15 = FloatVector.fromArray(F, lanes, off + 15 * L);
        // Written out: a helper taking or returning vectors is where C2 may stop inlining and allocate.
        FloatVector r0 = v0.blend(v8, UPPER0).add(v8.blend(v0, UPPER0).rearrange(SWAP0));
        FloatVector r1 = v1.blend(v9, UPPER0).add(v9.blend(v1, UPPER0).rearrange(SWAP0));
        FloatVector r2 = v2.blend(v10, UPPER0).add(v10.blend(v2, UPPER0).rearrange(SWAP0));
        FloatVector r3 = v3.blend(v11, UPPER0).add(v11.blend(v3, UPPER0).rearrange(SWAP0));
        FloatVector r4 = v4.blend(v12, UPPER0).add(v12.blend(v4, UPPER0).rearrange(SWAP0));
        FloatVector r5 = v5.blend(v13, UPPER0).add(v13.blend(v5, UPPER0).rearrange(SWAP0));
        FloatVector r6 = v6.blend(v14, UPPER0).add(v14.blend(v6, UPPER0).rearrange(SWAP0));
        FloatVector r7 = v7.blend(v15, UPPER0).add(v15.blend(v7, UPPER0).rearrange(SWAP0));
        FloatVector s0 = r0.blend(r4, UPPER1).add(r4.blend(r0, UPPER1).rearrange(SWAP1));
        FloatVector s1 = r1.blend(r5, UPPER1).add(r5.blend(r1, UPPER1).rearrange(SWAP1));
        FloatVector s2 = r2.blend(r6, UPPER1).add(r6.blend(r2, UPPER1).rearrange(SWAP1));
        FloatVector s3 = r3.blend(r7, UPPER1).add(r7.blend(r3, UPPER1).rearrange(SWAP1));
        FloatVector t0 = s0.blend(s2, UPPER2).add(s2.blend(s0, UPPER2).rearrange(SWAP2));
        FloatVector t1 = s1.blend(s3, UPPER2).add(s3.blend(s1, UPPER2).rearrange(SWAP2));
        t0.blend(t1, UPPER3).add(t1.blend(t0, UPPER3).rearrange(SWAP3)).intoArray(lanes, off);
    }
}
