package miniserve.kernels;

/**
 * A weight matrix w[K,N] (row-major [in, out], GPT-2's Conv1D layout) laid out for the product
 * {@link Matmul#matmul(ComputePool, float[], float[], PackedMatrix, float[], int)}: w cut into
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
 * <p>Training multiplies by the same matrices with many rows of x (M ≈ 2000) and by their
 * transposes (the input gradient dx = dy·wᵀ), and its weights change every step. It keeps a
 * panel copy of each w and of each wᵀ ({@link #panels}, {@link #panelsOfTransposed}) and
 * rewrites them with {@link #refresh} before each use. At M = 2048 on the tutor's shapes
 * (K, N from 256 to 3072) panels ran at 90-104 GFLOP/s on one core and 158-183 on two, where the
 * dot-product tiles of {@link Matmul#matmulTransposedB} on the rows of wᵀ, which training used
 * before, ran at 59-74 and 91-126; a refresh costs a few milliseconds a step.
 *
 * <p>Columns past the last full panel (N not a multiple of the width) stay row-major in
 * {@link #tail}. The layout is a copy: it must be made again (or refreshed) if w changes.
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
    /** Whether the source array holds wᵀ [N, K] rather than w [K, N]. */
    private final boolean sourceTransposed;

    private PackedMatrix(int K, int N, boolean wide, boolean sourceTransposed) {
        if (K < 0 || N < 0) throw new IllegalArgumentException("pack: negative shape K=" + K + " N=" + N);
        this.K = K;
        this.N = N;
        this.width = Matmul.panelWidth(wide);
        this.panelColumns = N - N % width;
        this.panels = new float[K * panelColumns];
        this.tail = new float[K * (N - panelColumns)];
        this.sourceTransposed = sourceTransposed;
    }

    /** Packs w[K,N] for this machine's tile family. */
    public static PackedMatrix pack(float[] w, int K, int N) {
        return pack(w, K, N, Matmul.WIDE);
    }

    /** Packs w[K,N] for the 512-bit tile family ({@code wide}) or the narrower one; tests run both. */
    static PackedMatrix pack(float[] w, int K, int N, boolean wide) {
        PackedMatrix p = new PackedMatrix(K, N, wide, false);
        p.refresh(ComputePool.serial(), w);
        return p;
    }

    /**
     * Packs the transpose of wt[N,K] (row-major), that is w[K,N] = wtᵀ: GPT-2's LM head, whose
     * weight is the token embedding [V, C] read as [C, V].
     */
    public static PackedMatrix packTransposed(float[] wt, int N, int K) {
        PackedMatrix p = panelsOfTransposed(N, K);
        p.refresh(ComputePool.serial(), wt);
        return p;
    }

    /** Room for w[K,N] in panels, filled from w by {@link #refresh}. */
    public static PackedMatrix panels(int K, int N) {
        return new PackedMatrix(K, N, Matmul.WIDE, false);
    }

    /** Room for w[K,N] = wtᵀ in panels, filled from wt [N, K] row-major by {@link #refresh}. */
    public static PackedMatrix panelsOfTransposed(int N, int K) {
        return new PackedMatrix(K, N, Matmul.WIDE, true);
    }

    /**
     * Rewrites the layout from its source: w[K,N], or wt[N,K] for {@link #panelsOfTransposed}
     * and {@link #packTransposed} (after the weights changed).
     */
    public void refresh(ComputePool pool, float[] src) {
        if (src.length < (long) K * N) throw new IllegalArgumentException("pack: w has " + src.length + " floats, needs K*N=" + (long) K * N);
        int tailWidth = N - panelColumns;
        // A panel's columns (or the tail's) for a run of rows at a time: a transposed source is
        // then read as `width` streams along k, and no element needs a division to find its place.
        pool.parallelFor(K, 16, (k0, k1) -> {
            for (int n0 = 0; n0 < N; n0 += width) {
                int n1 = Math.min(N, n0 + width);
                float[] dst = n0 < panelColumns ? panels : tail;
                for (int k = k0; k < k1; k++) {
                    int at = n0 < panelColumns ? (n0 / width * K + k) * width : k * tailWidth;
                    if (sourceTransposed) {
                        for (int n = n0; n < n1; n++) dst[at++] = src[n * K + k];
                    } else {
                        System.arraycopy(src, k * N + n0, dst, at, n1 - n0);
                    }
                }
            }
        });
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
