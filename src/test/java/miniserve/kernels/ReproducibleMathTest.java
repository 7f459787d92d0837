package miniserve.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * exp and tanh against Math's in ulps over a sweep of every float range, their vector and scalar
 * forms bit for bit, the edge cases, and the sums against their scalar twin.
 */
class ReproducibleMathTest {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Every 1021st float by bit pattern, both signs, infinities included: 8 million values. */
    private static final int SWEEP_STRIDE = 1021;
    private static final long INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    private interface FloatFunction {
        float apply(float x);
    }

    private interface ArrayFunction {
        void apply(float[] a, int off, int n);
    }

    /**
     * Runs the sweep through both forms (the array form on chunks of 1000 at offset 3, so vector
     * lanes and the scalar tail both see every region), checks they agree bit for bit, and returns
     * the largest error in ulps of the float nearest the exact value (Math's double result is exact
     * enough for that).
     */
    private static double sweep(ArrayFunction vector, FloatFunction scalar, DoubleUnaryOperator exact) {
        int chunk = 1000, off = 3;
        float[] in = new float[chunk], out = new float[off + chunk];
        double worst = 0;
        for (int sign = 0; sign < 2; sign++) {
            for (long bits = 0; bits <= INFINITY_BITS; ) {
                for (int i = 0; i < chunk; i++, bits += SWEEP_STRIDE) {
                    in[i] = Float.intBitsToFloat((int) Math.min(bits, INFINITY_BITS) | sign << 31);
                }
                System.arraycopy(in, 0, out, off, chunk);
                vector.apply(out, off, chunk);
                for (int i = 0; i < chunk; i++) {
                    float x = in[i], s = scalar.apply(x);
                    if (Float.floatToIntBits(out[off + i]) != Float.floatToIntBits(s)) {
                        throw new AssertionError("vector and scalar differ at x=" + x + ": " + out[off + i] + ", " + s);
                    }
                    double e = exact.applyAsDouble(x);
                    float nearest = (float) e;
                    if (Float.isInfinite(nearest)) {
                        assertThat(s).as("x=%s", x).isEqualTo(nearest);
                        continue;
                    }
                    worst = Math.max(worst, Math.abs(s - e) / Math.ulp(nearest));
                }
            }
        }
        return worst;
    }

    /** Measured over every float: 1.009 ulps (at x = -27.379135); the vector and scalar forms never differ. */
    @Test
    void expIsWithinOneUlpAndItsFormsAgreeBitForBit() {
        double worst = sweep((a, off, n) -> ReproducibleMath.exp(a, off, n, 0f), ReproducibleMath::exp, Math::exp);
        assertThat(worst).as("largest error of exp in ulps").isLessThanOrEqualTo(1.01);
    }

    @Test
    void expAtTheEdges() {
        assertThat(ReproducibleMath.exp(0f)).isEqualTo(1f);
        assertThat(ReproducibleMath.exp(-0f)).isEqualTo(1f);
        assertThat(ReproducibleMath.exp(1f)).isEqualTo((float) Math.E);
        assertThat(ReproducibleMath.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(ReproducibleMath.exp(-Float.MAX_VALUE)).isEqualTo(0f);
        assertThat(ReproducibleMath.exp(-104f)).isEqualTo(0f);
        assertThat(ReproducibleMath.exp(-100f)).isEqualTo((float) Math.exp(-100)); // a subnormal, rounded once
        assertThat(ReproducibleMath.exp(-87.5f)).isEqualTo((float) Math.exp(-87.5)).isLessThan(Float.MIN_NORMAL);
        assertThat(ReproducibleMath.exp(88.7f)).isEqualTo((float) Math.exp(88.7f)).isLessThan(Float.MAX_VALUE);
        assertThat(ReproducibleMath.exp(88.73f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(ReproducibleMath.exp(Float.MAX_VALUE)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(ReproducibleMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(ReproducibleMath.exp(Float.NaN)).isNaN();
        float[] a = {Float.NaN, 2f, 1f, Float.NEGATIVE_INFINITY};
        ReproducibleMath.exp(a, 0, a.length, 1f); // the shift is subtracted first
        assertThat(a[0]).isNaN();
        assertThat(a[1]).isEqualTo(ReproducibleMath.exp(1f));
        assertThat(a[2]).isEqualTo(1f);
        assertThat(a[3]).isEqualTo(0f);
    }

    /** Measured over every float: 1.066 ulps (at x = 0.7626402, just above the polynomial's range); the forms never differ. */
    @Test
    void tanhIsWithinOneUlpAndATenthAndItsFormsAgreeBitForBit() {
        double worst = sweep(ReproducibleMath::tanh, ReproducibleMath::tanh, Math::tanh);
        assertThat(worst).as("largest error of tanh in ulps").isLessThanOrEqualTo(1.07);
    }

    @Test
    void tanhAtTheEdges() {
        assertThat(Float.floatToRawIntBits(ReproducibleMath.tanh(0f))).isEqualTo(Float.floatToRawIntBits(0f));
        assertThat(Float.floatToRawIntBits(ReproducibleMath.tanh(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(ReproducibleMath.tanh(Float.MIN_VALUE)).isEqualTo(Float.MIN_VALUE);
        assertThat(ReproducibleMath.tanh(1e-20f)).isEqualTo(1e-20f);
        assertThat(ReproducibleMath.tanh(-1e-3f)).isEqualTo((float) Math.tanh(-1e-3f));
        assertThat(ReproducibleMath.tanh(0.75f)).isEqualTo((float) Math.tanh(0.75f)); // the switch between the two forms
        assertThat(ReproducibleMath.tanh(10f)).isEqualTo(1f);
        assertThat(ReproducibleMath.tanh(-10f)).isEqualTo(-1f);
        assertThat(ReproducibleMath.tanh(Float.MAX_VALUE)).isEqualTo(1f);
        assertThat(ReproducibleMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(ReproducibleMath.tanh(Float.NaN)).isNaN();
    }

    /** Values of mixed signs and magnitudes 1e-6 .. 1e6, where every order of the additions rounds differently. */
    @Test
    void sumsFollowTheirScalarTwinBitForBit() {
        SplittableRandom rnd = new SplittableRandom(31);
        float[] x = new float[16 * L + 40], lanes = new float[16 * L + 3];
        int differsFromSequential = 0;
        for (int rep = 0; rep < 2000; rep++) {
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-6, 7)));
            int off = rep % 4, n = rnd.nextInt(x.length - off + 1);
            float expected = ReproducibleMath.sumScalar(x, off, n);
            assertThat(Float.floatToIntBits(ReproducibleMath.sum(x, off, n))).as("sum of %d at %d", n, off)
                    .isEqualTo(Float.floatToIntBits(expected));
            float sequential = 0f;
            for (int i = 0; i < n; i++) sequential += x[off + i];
            if (sequential != expected) differsFromSequential++;

            float[] each = new float[16];
            for (int j = 0; j < 16; j++) each[j] = ReproducibleMath.sumScalar(x, j * L, L);
            System.arraycopy(x, 0, lanes, off, 4 * L);
            ReproducibleMath.sums4(lanes, off);
            for (int j = 0; j < 4; j++) {
                assertThat(Float.floatToIntBits(lanes[off + j])).as("sums4 vector %d, rep %d", j, rep).isEqualTo(Float.floatToIntBits(each[j]));
            }
            System.arraycopy(x, 0, lanes, off, 16 * L);
            ReproducibleMath.sums16(lanes, off);
            for (int j = 0; j < 16; j++) {
                assertThat(Float.floatToIntBits(lanes[off + j])).as("sums16 vector %d, rep %d", j, rep).isEqualTo(Float.floatToIntBits(each[j]));
            }
        }
        // The inputs do tell orders apart (else the bit-for-bit checks above would prove little).
        assertThat(differsFromSequential).isGreaterThan(100);
    }
}
