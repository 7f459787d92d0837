package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jdk.incubator.vector.FloatVector;
import miniserve.kernels.ComputePool;
import org.junit.jupiter.api.Test;

class FmaPeakTest {

    /** Every chain runs c = c·0.999 + 0.001 from 1; the sum over chains and lanes is checked against the plain recurrence. */
    @Test
    void chainsComputeTheRecurrenceInEveryLane() {
        int iterations = 1000;
        float c = 1f;
        for (int i = 0; i < iterations; i++) c = Math.fma(c, 0.999f, 0.001f);
        double expected = (double) c * FmaPeak.CHAINS * FloatVector.SPECIES_PREFERRED.length();
        assertThat((double) FmaPeak.chains(iterations)).isCloseTo(expected, org.assertj.core.data.Offset.offset(expected * 1e-6));
    }

    @Test
    void countsTwoFlopsPerLaneOfEveryFma() {
        assertThat(FmaPeak.flops(3)).isEqualTo(2.0 * FloatVector.SPECIES_PREFERRED.length() * FmaPeak.CHAINS * (1 << 18) * 3);
        assertThat(FmaPeak.gflops(ComputePool.serial(), 1, 1)).isPositive();
        assertThatThrownBy(() -> FmaPeak.gflops(ComputePool.serial(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
