package miniserve.kernels;

/**
 * A weight matrix w[K,N] (row-major [in, out], GPT-2's Conv1D layout) laid out for inference
 * ({@link Matmul#matmul(ComputePool, float[], float[], PackedMatrix, float[], int)}): cut into
 * panels as wide as the matmul's widest tile, each panel's K rows stored one after another.
 *
 * <p>Why: in row-major order a tile reads its few columns of every row of w, one short piece
 * every N floats. When w comes from memory (decode, a few rows of x) that is a stream per row
 * of the k block, more than the hardware prefetcher follows, and loads stop overlapping the
 * multiply-adds: measured on this machine on one thread ({@code ./miniserve bench}), a (768, 3072)
 * product streamed from memory ran at 40.9 GFLOP/s for M=8 and 9.2 for M=1. From panels every
 * tile reads one contiguous run of K·width floats, and the same product at M=8 runs at 95.4
 * GFLOP/s, in 1.13 times the M=1 time: a batch of 8 costs about what one row costs.
 *
 * <p>Columns past the last full panel (N not a multiple of the width) stay row-major in
 * {@link #tail}. The layout is a copy: it must be made again if w changes.
 */
public final class PackedMatrix {
    final int K, N;
    /** Columns per panel: the widest tile's, 3 vectors with 512-bit vectors, else 2. */
    final int width;
    /** Columns covered by full panels: N rounded down to a multiple of width. */
    final int panelColumns;
    /** [panelColumns / width][K][width]: panel p holds columns p·width .. (p+1)·width-1. */
    final float[] panels;
    /** [K][N - panelColumns]: the columns left over, row-major. */
    final float[] tail;

    private PackedMatrix(int K, int N, int width) {
        this.K = K;
        this.N = N;
        this.width = width;
        this.panelColumns = N - N % width;
        this.panels = new float[K * panelColumns];
        this.tail = new float[K * (N - panelColumns)];
    }

    /** Packs w[K,N] for this machine's tile family. */
    public static PackedMatrix pack(float[] w, int K, int N) {
        return pack(w, K, N, Matmul.WIDE);
    }

    /** Packs w[K,N] for the 512-bit tile family ({@code wide}) or the narrower one; tests run both. */
    static PackedMatrix pack(float[] w, int K, int N, boolean wide) {
        return pack(w, K, N, wide, false);
    }

    /**
     * Packs the transpose of wt[N,K] (row-major), that is w[K,N] = wtᵀ: GPT-2's LM head, whose
     * weight is the token embedding [V, C] read as [C, V].
     */
    public static PackedMatrix packTransposed(float[] wt, int N, int K) {
        return pack(wt, K, N, Matmul.WIDE, true);
    }

    /** Element (k, n) of w is src[k·N + n], or src[n·K + k] when src holds wᵀ. */
    private static PackedMatrix pack(float[] src, int K, int N, boolean wide, boolean transposed) {
        if (K < 0 || N < 0) throw new IllegalArgumentException("pack: negative shape K=" + K + " N=" + N);
        if (src.length < (long) K * N) throw new IllegalArgumentException("pack: w has " + src.length + " floats, needs K*N=" + (long) K * N);
        PackedMatrix p = new PackedMatrix(K, N, (wide ? 3 : 2) * Matmul.L);
        int tailWidth = N - p.panelColumns;
        for (int k = 0; k < K; k++) {
            for (int n = 0; n < N; n++) {
                float v = transposed ? src[n * K + k] : src[k * N + n];
                if (n < p.panelColumns) p.panels[(n / p.width * K + k) * p.width + n % p.width] = v;
                else p.tail[k * tailWidth + n - p.panelColumns] = v;
            }
        }
        return p;
    }

    /** Rows of w (the product's K). */
    public int rows() {
        return K;
    }

    /** Columns of w (the product's N). */
    public int columns() {
        return N;
    }
}
