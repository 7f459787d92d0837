package miniserve.kernels;

/**
 * A weight matrix w[K,N] (row-major [in, out], GPT-2's Conv1D layout) laid out for the product
 * {@link Matmul#matmul(ComputePool, float[], float[], PackedMatrix, float[], int)}, in one of two
 * layouts: panels, for few rows of x (inference), and the rows of wᵀ, for many (training).
 *
 * <p><b>Panels</b> ({@link #pack}): w cut into panels as wide as the matmul's widest tile,
 * each panel's K rows stored one after another.
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
 *
 * <p><b>Rows of wᵀ</b> ({@link #transposedCopy}, {@link #ofTransposed}): wᵀ [N, K]
 * row-major, multiplied with the dot-product tiles of {@link Matmul#matmulTransposedB}. At
 * training shapes (M ≈ 2000 rows, K up to 4C) those measured 75-85 GFLOP/s on one core where
 * the broadcast tiles on row-major w gave 15-45 for K ≥ 384 or N = 256..512 (and ~100
 * otherwise); a transposed copy per optimizer step ({@link #refresh}) costs a few milliseconds.
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
    /** The other layout: wᵀ [N, K] row-major (panels and tail are then empty); null for panels. */
    final float[] transposedRows;
    /** Whether transposedRows is this object's own copy, which {@link #refresh} rewrites. */
    private final boolean ownsTransposedRows;

    private PackedMatrix(int K, int N, int width) {
        this.K = K;
        this.N = N;
        this.width = width;
        this.panelColumns = N - N % width;
        this.panels = new float[K * panelColumns];
        this.tail = new float[K * (N - panelColumns)];
        this.transposedRows = null;
        this.ownsTransposedRows = false;
    }

    private PackedMatrix(int K, int N, float[] transposedRows, boolean owns) {
        this.K = K;
        this.N = N;
        this.width = 0;
        this.panelColumns = 0;
        this.panels = new float[0];
        this.tail = new float[0];
        this.transposedRows = transposedRows;
        this.ownsTransposedRows = owns;
    }

    /** Room for w[K,N] as the rows of wᵀ; fill it with {@link #refresh}. */
    public static PackedMatrix transposedCopy(int K, int N) {
        if (K < 0 || N < 0) throw new IllegalArgumentException("transposedCopy: negative shape K=" + K + " N=" + N);
        return new PackedMatrix(K, N, new float[K * N], true);
    }

    /**
     * w[K,N] read from an array that already holds wᵀ [N, K] row-major, without a copy: the tied
     * LM head, whose weight is the token embedding [V, C] read as [C, V]. It sees every change to
     * the array.
     */
    public static PackedMatrix ofTransposed(float[] wt, int N, int K) {
        if (wt.length < (long) K * N) throw new IllegalArgumentException("ofTransposed: wt has " + wt.length + " floats, needs K*N=" + (long) K * N);
        return new PackedMatrix(K, N, wt, false);
    }

    /** Rewrites a {@link #transposedCopy} copy from the current w[K,N] (after the weights changed). */
    public void refresh(ComputePool pool, float[] w) {
        if (!ownsTransposedRows) throw new IllegalStateException("refresh: only a transposedCopy is rewritten in place");
        if (w.length < (long) K * N) throw new IllegalArgumentException("refresh: w has " + w.length + " floats, needs K*N=" + (long) K * N);
        float[] dst = transposedRows;
        // Blocks of 16×16 so that both the reads and the writes stay within a few cache lines.
        pool.parallelFor(N, 16, (n0, n1) -> {
            for (int k0 = 0; k0 < K; k0 += 16) {
                int k1 = Math.min(K, k0 + 16);
                for (int n = n0; n < n1; n++)
                    for (int k = k0; k < k1; k++) dst[n * K + k] = w[k * N + n];
            }
        });
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
