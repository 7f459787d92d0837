package miniserve.kernels;

/**
 * Matrix products in GPT-2's layout.
 *
 * <p>{@code matmul}: out[M,N] = x[M,K] · w[K,N] + bias[N], w row-major [in, out] as
 * Hugging Face's GPT-2 stores its Conv1D weights. {@code matmulTransposedB}:
 * out[M,N] = x[M,K] · w[N,K]ᵀ, the tied LM head against the token embedding.
 */
public final class Matmul {
    private Matmul() {}

    /** out[M,N] = x[M,K]·w[K,N] + bias (bias may be null), split over N across the pool. */
    public static void matmul(ComputePool pool, float[] out, float[] x, float[] w, float[] bias, int M, int K, int N) {
        // TODO(kernels): Vector API, register-blocked; scalar for now so the model can be built against the API.
        pool.parallelFor(N, 16, (n0, n1) -> matmulScalarRange(out, x, w, bias, M, K, N, n0, n1));
    }

    /** Scalar twin of {@link #matmul}. */
    public static void matmulScalar(float[] out, float[] x, float[] w, float[] bias, int M, int K, int N) {
        matmulScalarRange(out, x, w, bias, M, K, N, 0, N);
    }

    private static void matmulScalarRange(float[] out, float[] x, float[] w, float[] bias, int M, int K, int N, int n0, int n1) {
        for (int m = 0; m < M; m++) {
            for (int n = n0; n < n1; n++) {
                float acc = bias == null ? 0f : bias[n];
                for (int k = 0; k < K; k++) acc += x[m * K + k] * w[k * N + n];
                out[m * N + n] = acc;
            }
        }
    }

    /** out[M,N] = x[M,K]·w[N,K]ᵀ, split over N across the pool. */
    public static void matmulTransposedB(ComputePool pool, float[] out, float[] x, float[] w, int M, int K, int N) {
        pool.parallelFor(N, 16, (n0, n1) -> matmulTransposedBScalarRange(out, x, w, M, K, N, n0, n1));
    }

    /** Scalar twin of {@link #matmulTransposedB}. */
    public static void matmulTransposedBScalar(float[] out, float[] x, float[] w, int M, int K, int N) {
        matmulTransposedBScalarRange(out, x, w, M, K, N, 0, N);
    }

    private static void matmulTransposedBScalarRange(float[] out, float[] x, float[] w, int M, int K, int N, int n0, int n1) {
        for (int m = 0; m < M; m++) {
            for (int n = n0; n < n1; n++) {
                float acc = 0f;
                for (int k = 0; k < K; k++) acc += x[m * K + k] * w[n * K + k];
                out[m * N + n] = acc;
            }
        }
    }
}
