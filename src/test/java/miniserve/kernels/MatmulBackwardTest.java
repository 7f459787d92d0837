package miniserve.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatmulBackwardTest {

    private static final ComputePool POOL = ComputePool.create(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    private static float[] random(int n, SplittableRandom rnd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }

    /** dW and dB in double from the definition, added to their starting values. */
    private static double[][] reference(float[] dW0, float[] dB0, float[] x, float[] dY, int M, int K, int N) {
        double[] dW = new double[K * N], dB = new double[N];
        for (int k = 0; k < K; k++)
            for (int n = 0; n < N; n++) {
                double s = dW0[k * N + n];
                for (int m = 0; m < M; m++) s += (double) x[m * K + k] * dY[m * N + n];
                dW[k * N + n] = s;
            }
        for (int n = 0; n < N; n++) {
            double s = dB0[n];
            for (int m = 0; m < M; m++) s += dY[m * N + n];
            dB[n] = s;
        }
        return new double[][] {dW, dB};
    }

    // Shapes with and without tails in every dimension (vector length 8 or 16; tiles of 8 or 4 rows × 3 vectors,
    // 8 rows × 1 vector for leftover vectors, single rows, scalar columns; row blocks of 256).
    @ParameterizedTest
    @CsvSource({"1,1,1", "7,13,101", "33,64,96", "5,4,48", "64,24,200", "3,9,17", "128,36,144", "20,16,64", "9,19,80", "300,8,260"})
    void vectorAndScalarMatchTheDefinition(int M, int K, int N) {
        SplittableRandom rnd = new SplittableRandom(M * 1000L + K * 10L + N);
        float[] x = random(M * K, rnd), dY = random(M * N, rnd);
        float[] dW0 = random(K * N, rnd), dB0 = random(N, rnd);
        double[][] ref = reference(dW0, dB0, x, dY, M, K, N);

        float[] dW = dW0.clone(), dB = dB0.clone();
        Matmul.weightGrad(POOL, dW, dB, x, dY, M, K, N);
        float[] dWs = dW0.clone(), dBs = dB0.clone();
        Matmul.weightGradScalar(dWs, dBs, x, dY, M, K, N);
        assertThat(dW).as("vector dW against the scalar twin, bit for bit").containsExactly(dWs);
        assertThat(dB).as("vector dB against the scalar twin, bit for bit").containsExactly(dBs);

        double tol = 1e-5 * Math.max(1, M);
        for (int i = 0; i < K * N; i++) {
            assertThat((double) dW[i]).as("dW[%d]", i).isCloseTo(ref[0][i], org.assertj.core.data.Offset.offset(tol));
            assertThat((double) dWs[i]).as("scalar dW[%d]", i).isCloseTo(ref[0][i], org.assertj.core.data.Offset.offset(tol));
        }
        for (int n = 0; n < N; n++) {
            assertThat((double) dB[n]).as("dB[%d]", n).isCloseTo(ref[1][n], org.assertj.core.data.Offset.offset(tol));
            assertThat((double) dBs[n]).as("scalar dB[%d]", n).isCloseTo(ref[1][n], org.assertj.core.data.Offset.offset(tol));
        }
    }

    /** backward = the input gradient dout·wᵀ (written) and the parameter gradients (accumulated), against the twin. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "7,13,101", "33,64,96", "64,24,200", "9,19,80"})
    void backwardMatchesItsScalarTwin(int M, int K, int N) {
        SplittableRandom rnd = new SplittableRandom(M * 7L + K * 3L + N);
        float[] x = random(M * K, rnd), w = random(K * N, rnd), dout = random(M * N, rnd);
        float[] dW0 = random(K * N, rnd), dB0 = random(N, rnd);
        float[] dx = new float[M * K], dW = dW0.clone(), dB = dB0.clone();
        PackedMatrix wT = PackedMatrix.panelsOfTransposed(K, N);
        wT.refresh(POOL, w);
        Matmul.backward(POOL, dx, dW, dB, dout, x, wT, M, K, N);
        float[] sdx = new float[M * K], sdW = dW0.clone(), sdB = dB0.clone();
        Matmul.backwardScalar(sdx, sdW, sdB, dout, x, w, M, K, N);
        assertThat(Arrays.equals(dx, sdx)).as("dx bit for bit as the scalar twin").isTrue();
        double tol = 1e-5 * Math.max(1, Math.max(M, N));
        for (int i = 0; i < M * K; i++) {
            double ref = 0;
            for (int n = 0; n < N; n++) ref += (double) dout[(i / K) * N + n] * w[(i % K) * N + n];
            assertThat((double) dx[i]).as("dx[%d]", i).isCloseTo(ref, org.assertj.core.data.Offset.offset(tol));
            assertThat((double) sdx[i]).as("scalar dx[%d]", i).isCloseTo(ref, org.assertj.core.data.Offset.offset(tol));
        }
        for (int i = 0; i < K * N; i++) assertThat((double) dW[i]).as("dW[%d]", i).isCloseTo(sdW[i], org.assertj.core.data.Offset.offset(tol));
        for (int n = 0; n < N; n++) assertThat((double) dB[n]).as("dB[%d]", n).isCloseTo(sdB[n], org.assertj.core.data.Offset.offset(tol));
    }

    @Test
    void resultDoesNotDependOnTheNumberOfThreads() {
        SplittableRandom rnd = new SplittableRandom(7);
        int M = 50, K = 40, N = 130;
        float[] x = random(M * K, rnd), dY = random(M * N, rnd);
        float[] serialW = new float[K * N], serialB = new float[N];
        float[] pooledW = new float[K * N], pooledB = new float[N];
        Matmul.weightGrad(ComputePool.serial(), serialW, serialB, x, dY, M, K, N);
        Matmul.weightGrad(POOL, pooledW, pooledB, x, dY, M, K, N);
        assertThat(pooledW).containsExactly(serialW);
        assertThat(pooledB).containsExactly(serialB);
    }

    @Test
    void nullBiasLeavesOnlyTheWeightGradient() {
        SplittableRandom rnd = new SplittableRandom(3);
        int M = 6, K = 5, N = 20;
        float[] x = random(M * K, rnd), dY = random(M * N, rnd);
        float[] dW = new float[K * N];
        Matmul.weightGrad(POOL, dW, null, x, dY, M, K, N);
        double[][] ref = reference(new float[K * N], new float[N], x, dY, M, K, N);
        for (int i = 0; i < K * N; i++) assertThat((double) dW[i]).isCloseTo(ref[0][i], org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void rejectsArraysTooSmallForTheShape() {
        assertThatThrownBy(() -> Matmul.weightGrad(POOL, new float[4], null, new float[4], new float[4], 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("M=2 K=2 N=3");
    }
}
