package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The parameter-gradient products of the training backward pass, in GPT-2's layout.
 *
 * <p>For a layer {@code y[M,N] = x[M,K]·w[K,N] + b[N]} (see {@link Matmul#matmul}):
 * <pre>
 * dW[K,N] += x[M,K]ᵀ · dY[M,N]      weightGrad
 * dB[N]   += Σ_m dY[m,:]             weightGrad (when dB is not null)
 * dX[M,K]  = dY[M,N] · w[K,N]ᵀ       Matmul.matmulTransposedB(pool, dX, dY, w, M, N, K)
 * </pre>
 * The input gradient is the product the inference kernels already provide, so only the
 * weight gradient lives here. Gradients accumulate (+=) so that a tensor used twice (the
 * token embedding: input lookup and tied LM head) sums its contributions, as in llm.c.
 *
 * <p>Work is split over the rows of dW (and columns of dB): every output element is summed
 * by one thread in a fixed order, so results do not depend on the number of threads.
 */
public final class MatmulGrad {
    private MatmulGrad() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vectors of columns per register tile. */
    private static final int NV = 3;
    /**
     * Rows of dW per register tile: 8 × 3 accumulators where there are 32 vector registers
     * (the AVX-512 machines), else 4 × 3 (16 registers).
     */
    private static final int KT = S.vectorBitSize() >= 512 ? 8 : 4;
    /** Rows of x and dY per block (see weightGradRange). */
    private static final int MB = 256;

    /** dW[K,N] += x[M,K]ᵀ·dY[M,N]; dB[N] += column sums of dY (dB may be null). */
    public static void weightGrad(ComputePool pool, float[] dW, float[] dB, float[] x, float[] dY, int M, int K, int N) {
        checkSizes(dW, dB, x, dY, M, K, N);
        pool.parallelFor(K, KT, (k0, k1) -> weightGradRange(dW, x, dY, M, K, N, k0, k1));
        if (dB != null) pool.parallelFor(N, L, (n0, n1) -> biasGradRange(dB, dY, M, N, n0, n1));
    }

    /** Scalar twin of {@link #weightGrad}: the plain loops the tests compare against. */
    public static void weightGradScalar(float[] dW, float[] dB, float[] x, float[] dY, int M, int K, int N) {
        checkSizes(dW, dB, x, dY, M, K, N);
        for (int k = 0; k < K; k++) {
            for (int n = 0; n < N; n++) {
                float acc = 0f;
                for (int m = 0; m < M; m++) acc += x[m * K + k] * dY[m * N + n];
                dW[k * N + n] += acc;
            }
        }
        if (dB != null) {
            for (int n = 0; n < N; n++) {
                float acc = 0f;
                for (int m = 0; m < M; m++) acc += dY[m * N + n];
                dB[n] += acc;
            }
        }
    }

    private static void checkSizes(float[] dW, float[] dB, float[] x, float[] dY, int M, int K, int N) {
        if (dW.length < (long) K * N || x.length < (long) M * K || dY.length < (long) M * N || (dB != null && dB.length < N))
            throw new IllegalArgumentException("array too small for M=" + M + " K=" + K + " N=" + N);
    }

    /**
     * Rows k0..k1 of dW. Loop order: column blocks outer, a tile of KT rows × NV vectors
     * in registers, the sum over m innermost, so a column block of dY ([M, NV·L]) is read
     * from cache once per row tile and every dW element is loaded and stored once per block.
     */
    static void weightGradRange(float[] dW, float[] x, float[] dY, int M, int K, int N, int k0, int k1) {
        int nBlock = NV * L;
        int nFull = N - N % nBlock;
        int nVec = nFull + (N - nFull) / L * L;
        // Rows of x and dY in blocks of MB, so that a column block of dY stays in L1/L2 while
        // the row tiles of dW pass over it; each dW element still sums its rows in order.
        for (int m0 = 0; m0 < M; m0 += MB) {
            int m1 = Math.min(M, m0 + MB);
            for (int n = 0; n < nFull; n += nBlock) {
                int k = k0;
                if (KT == 8) for (; k + 8 <= k1; k += 8) tile8x3(dW, x, dY, m0, m1, K, N, k, n);
                for (; k + 4 <= k1; k += 4) tile4x3(dW, x, dY, m0, m1, K, N, k, n);
                for (; k < k1; k++) row1(dW, x, dY, m0, m1, K, N, k, n, nBlock);
            }
            // Remaining whole vectors (N = 256 leaves one after five blocks of 3): 8 rows × 1 vector tiles.
            for (int c = nFull; c < nVec; c += L) {
                int k = k0;
                for (; k + 8 <= k1; k += 8) tile8x1(dW, x, dY, m0, m1, K, N, k, c);
                for (; k < k1; k++) row1(dW, x, dY, m0, m1, K, N, k, c, L);
            }
        }
        // Last columns, fewer than a vector: scalar, every row at once.
        for (int k = k0; k < k1; k++) {
            for (int c = nVec; c < N; c++) {
                float acc = dW[k * N + c];
                for (int m = 0; m < M; m++) acc += x[m * K + k] * dY[m * N + c];
                dW[k * N + c] = acc;
            }
        }
    }

    // The tiles are unrolled by hand: C2 keeps vector locals in registers, not arrays of vectors.

    private static void tile8x3(float[] dW, float[] x, float[] dY, int m0, int m1, int K, int N, int k, int n) {
        int w0 = k * N + n, w1 = w0 + N, w2 = w1 + N, w3 = w2 + N, w4 = w3 + N, w5 = w4 + N, w6 = w5 + N, w7 = w6 + N;
        FloatVector a00 = FloatVector.fromArray(S, dW, w0), a01 = FloatVector.fromArray(S, dW, w0 + L), a02 = FloatVector.fromArray(S, dW, w0 + 2 * L);
        FloatVector a10 = FloatVector.fromArray(S, dW, w1), a11 = FloatVector.fromArray(S, dW, w1 + L), a12 = FloatVector.fromArray(S, dW, w1 + 2 * L);
        FloatVector a20 = FloatVector.fromArray(S, dW, w2), a21 = FloatVector.fromArray(S, dW, w2 + L), a22 = FloatVector.fromArray(S, dW, w2 + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, dW, w3), a31 = FloatVector.fromArray(S, dW, w3 + L), a32 = FloatVector.fromArray(S, dW, w3 + 2 * L);
        FloatVector a40 = FloatVector.fromArray(S, dW, w4), a41 = FloatVector.fromArray(S, dW, w4 + L), a42 = FloatVector.fromArray(S, dW, w4 + 2 * L);
        FloatVector a50 = FloatVector.fromArray(S, dW, w5), a51 = FloatVector.fromArray(S, dW, w5 + L), a52 = FloatVector.fromArray(S, dW, w5 + 2 * L);
        FloatVector a60 = FloatVector.fromArray(S, dW, w6), a61 = FloatVector.fromArray(S, dW, w6 + L), a62 = FloatVector.fromArray(S, dW, w6 + 2 * L);
        FloatVector a70 = FloatVector.fromArray(S, dW, w7), a71 = FloatVector.fromArray(S, dW, w7 + L), a72 = FloatVector.fromArray(S, dW, w7 + 2 * L);
        for (int m = m0; m < m1; m++) {
            int yo = m * N + n, xo = m * K + k;
            FloatVector y0 = FloatVector.fromArray(S, dY, yo);
            FloatVector y1 = FloatVector.fromArray(S, dY, yo + L);
            FloatVector y2 = FloatVector.fromArray(S, dY, yo + 2 * L);
            FloatVector b;
            b = FloatVector.broadcast(S, x[xo]);     a00 = b.fma(y0, a00); a01 = b.fma(y1, a01); a02 = b.fma(y2, a02);
            b = FloatVector.broadcast(S, x[xo + 1]); a10 = b.fma(y0, a10); a11 = b.fma(y1, a11); a12 = b.fma(y2, a12);
            b = FloatVector.broadcast(S, x[xo + 2]); a20 = b.fma(y0, a20); a21 = b.fma(y1, a21); a22 = b.fma(y2, a22);
            b = FloatVector.broadcast(S, x[xo + 3]); a30 = b.fma(y0, a30); a31 = b.fma(y1, a31); a32 = b.fma(y2, a32);
            b = FloatVector.broadcast(S, x[xo + 4]); a40 = b.fma(y0, a40); a41 = b.fma(y1, a41); a42 = b.fma(y2, a42);
            b = FloatVector.broadcast(S, x[xo + 5]); a50 = b.fma(y0, a50); a51 = b.fma(y1, a51); a52 = b.fma(y2, a52);
            b = FloatVector.broadcast(S, x[xo + 6]); a60 = b.fma(y0, a60); a61 = b.fma(y1, a61); a62 = b.fma(y2, a62);
            b = FloatVector.broadcast(S, x[xo + 7]); a70 = b.fma(y0, a70); a71 = b.fma(y1, a71); a72 = b.fma(y2, a72);
        }
        a00.intoArray(dW, w0); a01.intoArray(dW, w0 + L); a02.intoArray(dW, w0 + 2 * L);
        a10.intoArray(dW, w1); a11.intoArray(dW, w1 + L); a12.intoArray(dW, w1 + 2 * L);
        a20.intoArray(dW, w2); a21.intoArray(dW, w2 + L); a22.intoArray(dW, w2 + 2 * L);
        a30.intoArray(dW, w3); a31.intoArray(dW, w3 + L); a32.intoArray(dW, w3 + 2 * L);
        a40.intoArray(dW, w4); a41.intoArray(dW, w4 + L); a42.intoArray(dW, w4 + 2 * L);
        a50.intoArray(dW, w5); a51.intoArray(dW, w5 + L); a52.intoArray(dW, w5 + 2 * L);
        a60.intoArray(dW, w6); a61.intoArray(dW, w6 + L); a62.intoArray(dW, w6 + 2 * L);
        a70.intoArray(dW, w7); a71.intoArray(dW, w7 + L); a72.intoArray(dW, w7 + 2 * L);
    }

    private static void tile8x1(float[] dW, float[] x, float[] dY, int m0, int m1, int K, int N, int k, int n) {
        int w0 = k * N + n;
        FloatVector a0 = FloatVector.fromArray(S, dW, w0), a1 = FloatVector.fromArray(S, dW, w0 + N);
        FloatVector a2 = FloatVector.fromArray(S, dW, w0 + 2 * N), a3 = FloatVector.fromArray(S, dW, w0 + 3 * N);
        FloatVector a4 = FloatVector.fromArray(S, dW, w0 + 4 * N), a5 = FloatVector.fromArray(S, dW, w0 + 5 * N);
        FloatVector a6 = FloatVector.fromArray(S, dW, w0 + 6 * N), a7 = FloatVector.fromArray(S, dW, w0 + 7 * N);
        for (int m = m0; m < m1; m++) {
            int xo = m * K + k;
            FloatVector y = FloatVector.fromArray(S, dY, m * N + n);
            a0 = FloatVector.broadcast(S, x[xo]).fma(y, a0);
            a1 = FloatVector.broadcast(S, x[xo + 1]).fma(y, a1);
            a2 = FloatVector.broadcast(S, x[xo + 2]).fma(y, a2);
            a3 = FloatVector.broadcast(S, x[xo + 3]).fma(y, a3);
            a4 = FloatVector.broadcast(S, x[xo + 4]).fma(y, a4);
            a5 = FloatVector.broadcast(S, x[xo + 5]).fma(y, a5);
            a6 = FloatVector.broadcast(S, x[xo + 6]).fma(y, a6);
            a7 = FloatVector.broadcast(S, x[xo + 7]).fma(y, a7);
        }
        a0.intoArray(dW, w0); a1.intoArray(dW, w0 + N); a2.intoArray(dW, w0 + 2 * N); a3.intoArray(dW, w0 + 3 * N);
        a4.intoArray(dW, w0 + 4 * N); a5.intoArray(dW, w0 + 5 * N); a6.intoArray(dW, w0 + 6 * N); a7.intoArray(dW, w0 + 7 * N);
    }

    private static void tile4x3(float[] dW, float[] x, float[] dY, int m0, int m1, int K, int N, int k, int n) {
        int w0 = k * N + n, w1 = w0 + N, w2 = w1 + N, w3 = w2 + N;
        FloatVector a00 = FloatVector.fromArray(S, dW, w0), a01 = FloatVector.fromArray(S, dW, w0 + L), a02 = FloatVector.fromArray(S, dW, w0 + 2 * L);
        FloatVector a10 = FloatVector.fromArray(S, dW, w1), a11 = FloatVector.fromArray(S, dW, w1 + L), a12 = FloatVector.fromArray(S, dW, w1 + 2 * L);
        FloatVector a20 = FloatVector.fromArray(S, dW, w2), a21 = FloatVector.fromArray(S, dW, w2 + L), a22 = FloatVector.fromArray(S, dW, w2 + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, dW, w3), a31 = FloatVector.fromArray(S, dW, w3 + L), a32 = FloatVector.fromArray(S, dW, w3 + 2 * L);
        for (int m = m0; m < m1; m++) {
            int yo = m * N + n, xo = m * K + k;
            FloatVector y0 = FloatVector.fromArray(S, dY, yo);
            FloatVector y1 = FloatVector.fromArray(S, dY, yo + L);
            FloatVector y2 = FloatVector.fromArray(S, dY, yo + 2 * L);
            FloatVector x0 = FloatVector.broadcast(S, x[xo]);
            a00 = x0.fma(y0, a00); a01 = x0.fma(y1, a01); a02 = x0.fma(y2, a02);
            FloatVector x1 = FloatVector.broadcast(S, x[xo + 1]);
            a10 = x1.fma(y0, a10); a11 = x1.fma(y1, a11); a12 = x1.fma(y2, a12);
            FloatVector x2 = FloatVector.broadcast(S, x[xo + 2]);
            a20 = x2.fma(y0, a20); a21 = x2.fma(y1, a21); a22 = x2.fma(y2, a22);
            FloatVector x3 = FloatVector.broadcast(S, x[xo + 3]);
            a30 = x3.fma(y0, a30); a31 = x3.fma(y1, a31); a32 = x3.fma(y2, a32);
        }
        a00.intoArray(dW, w0); a01.intoArray(dW, w0 + L); a02.intoArray(dW, w0 + 2 * L);
        a10.intoArray(dW, w1); a11.intoArray(dW, w1 + L); a12.intoArray(dW, w1 + 2 * L);
        a20.intoArray(dW, w2); a21.intoArray(dW, w2 + L); a22.intoArray(dW, w2 + 2 * L);
        a30.intoArray(dW, w3); a31.intoArray(dW, w3 + L); a32.intoArray(dW, w3 + 2 * L);
    }

    /** One row k of dW over columns n .. n+len (len a multiple of L), one vector at a time. */
    private static void row1(float[] dW, float[] x, float[] dY, int m0, int m1, int K, int N, int k, int n, int len) {
        for (int c = n; c < n + len; c += L) {
            FloatVector acc = FloatVector.fromArray(S, dW, k * N + c);
            for (int m = m0; m < m1; m++) acc = FloatVector.broadcast(S, x[m * K + k]).fma(FloatVector.fromArray(S, dY, m * N + c), acc);
            acc.intoArray(dW, k * N + c);
        }
    }

    static void biasGradRange(float[] dB, float[] dY, int M, int N, int n0, int n1) {
        int c = n0;
        for (; c + L <= n1; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int m = 0; m < M; m++) acc = acc.add(FloatVector.fromArray(S, dY, m * N + c));
            acc.add(FloatVector.fromArray(S, dB, c)).intoArray(dB, c);
        }
        for (; c < n1; c++) {
            float acc = 0f;
            for (int m = 0; m < M; m++) acc += dY[m * N + c];
            dB[c] += acc;
        }
    }
}
