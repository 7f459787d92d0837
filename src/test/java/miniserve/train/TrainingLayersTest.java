package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import miniserve.kernels.ComputePool;
import org.junit.jupiter.api.Test;

/** The elementwise pieces of the training layers that the gradient test sees only in aggregate. */
class TrainingLayersTest {

    @Test
    void tanhIsAccurateAndTheVectorAndScalarFormsAgreeBitForBit() {
        int L = FloatVector.SPECIES_PREFERRED.length();
        float[] u = new float[L], out = new float[L];
        double worst = 0;
        for (int i = -200_000; i <= 200_000; i += L) {
            for (int j = 0; j < L; j++) u[j] = (i + j) * 1e-4f; // -20 .. 20
            TrainingLayers.tanh(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, u, 0)).intoArray(out, 0);
            for (int j = 0; j < L; j++) {
                assertThat(out[j]).as("tanh(%s)", u[j]).isEqualTo(TrainingLayers.tanh(u[j]));
                worst = Math.max(worst, Math.abs(out[j] - Math.tanh(u[j])));
            }
        }
        assertThat(worst).isLessThan(3e-7);
        assertThat(TrainingLayers.tanh(200f)).isEqualTo(1f);
        assertThat(TrainingLayers.tanh(-200f)).isEqualTo(-1f);
        assertThat(TrainingLayers.tanh(0f)).isEqualTo(0f);
    }

    @Test
    void geluMatchesItsDefinitionOnVectorBodyAndScalarTail() {
        int n = 1000 + 7;
        float[] x = new float[n], out = new float[n], th = new float[n];
        for (int i = 0; i < n; i++) x[i] = (i - n / 2) * 0.013f;
        TrainingLayers.geluForward(ComputePool.serial(), out, th, x, n);
        for (int i = 0; i < n; i++) {
            double t = Math.tanh(Math.sqrt(2 / Math.PI) * (x[i] + 0.044715 * x[i] * x[i] * x[i]));
            assertThat((double) th[i]).isCloseTo(t, org.assertj.core.data.Offset.offset(3e-7));
            assertThat((double) out[i]).isCloseTo(0.5 * x[i] * (1 + t), org.assertj.core.data.Offset.offset(2e-6));
        }
    }
}
