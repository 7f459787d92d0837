package miniserve.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products in GPT-2's layout, forward and backward (llm.c's matmul_forward and
 * matmul_backward).
 *
 * <p>{@code matmul}: out[M,N] = x[M,K] · w[K,N] + bias[N], w row-major [in, out] as
 * Hugging Face's GPT-2 stores its Conv1D weights, or a {@link PackedMatrix} made from it: the
 * product both models compute every linear layer with. {@code matmulTransposedB}:
 * out[M,N] = x[M,K] · w[N,K]ᵀ on w as it is, such as the tied LM head against the token
 * embedding (the models pack wᵀ instead). {@code backward}: the input, weight and bias gradients.
 *
 * <h2>How {@code matmul} is computed</h2>
 * The output is cut into tiles of a few rows by a few vectors of columns. A tile's
 * accumulators live in vector registers for a whole run over k: each step loads the
 * tile's weight vectors once and multiplies them with a broadcast of every row's x[m,k],
 * so one weight load serves every row of the tile. Tile shapes fit the register file
 * without spilling: with 512-bit vectors (AVX-512, 32 registers) 8 rows × 3 vectors = 24
 * accumulators + 3 weights + 1 broadcast, about 100 GFLOP/s on one Zen 4 core; otherwise
 * (AVX2 has 16 registers) 6 rows × 2 vectors = 12 + 2 + 1. Measured on this machine with
 * 256-bit vectors and 16 registers (-XX:UseAVX=2), 6×2 ran at 62 GFLOP/s and 4×3, which
 * needs all 16 registers and spills, at 28. Fewer rows left over use a smaller tile of the
 * same width; columns left over after the last full tile use one masked vector at a time.
 * Out starts as the bias and every tile adds onto it, so tiles have no start-up branches.
 *
 * <p>The k loop is blocked: 256 rows of w per pass when there are many rows of x, so the
 * weight panel and the x block stay in L1/L2 across tiles; 16 when there are few (decode),
 * where every weight is used only a few times and the cost is streaming w from memory:
 * a short block keeps the number of concurrent memory streams low enough for the
 * hardware prefetcher (M=1 from memory: about 20 GB/s with 16 rows, 12 with 256).
 * The columns of a large product are split across the pool's threads ({@link #split}).
 *
 * <p>{@code matmulTransposedB} uses dot-product tiles (4 rows of x against 4 rows of w,
 * both read along k) reduced across lanes at the end, in the fixed order of ReproducibleMath (a
 * tile's sixteen sums at once with {@link ReproducibleMath#sums16}), so every JIT tier gives the
 * same bits; the last K mod L products are added after that, in sequence.
 */
public final class Matmul {
    private Matmul() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** 512-bit vectors: the x86 machines that have them (AVX-512) also have 32 vector registers. */
    static final boolean WIDE = F.vectorBitSize() >= 512;

    /** Columns of the widest tile, and of a {@link PackedMatrix} panel: 3 vectors in the 512-bit family, else 2. */
    static int panelWidth(boolean wide) {
        return (wide ? 3 : 2) * L;
    }

    /** Rows of x up to which the short k block is used (the decode regime). */
    static final int SMALL_M = 16;
    static final int KC_SMALL_M = 16;
    static final int KC = 256;
    /** Rows of x per block, so that an x block (MC × KC floats) stays in L2. */
    static final int MC = 512;
    /** Below this many multiply-adds a product runs on the calling thread: the hand-off would cost more than it saves. */
    static final long PARALLEL_MIN_FMAS = 1L << 16;
    /**
     * Products under this many multiply-adds (about 0.1 ms on one core) are split only when their
     * weights are large ({@link #PARALLEL_MIN_WEIGHTS}). A split call waits for its slowest thread,
     * and on a machine whose cores are shared (a server's HTTP threads, its clients) a worker that
     * the OS deschedules holds the call for a time slice, milliseconds: measured on the tutor
     * (C=256) batched at 8 under a 50-client load test, every decode matmul split over 2 threads
     * served 4.2 requests/s, the same server on one thread 37.
     */
    static final long SPLIT_MIN_FMAS = 1L << 23;
    /** Weights of at least this many floats (4 MB) come from memory, and two cores read them faster than one. */
    static final long PARALLEL_MIN_WEIGHTS = 1L << 20;

    /** weightGrad: vectors of columns per register tile. */
    private static final int NV = 3;
    /**
     * Rows of dW per register tile: 8 × 3 accumulators where there are 32 vector registers
     * (the AVX-512 machines), else 4 × 3 (16 registers).
     */
    private static final int KT = F.vectorBitSize() >= 512 ? 8 : 4;
    /** Rows of x and dY per block (see weightGradRange). */
    private static final int MB = 256;

    /** Whether a product of this shape is worth splitting across the pool's threads. */
    static boolean split(ComputePool pool, int M, int K, int N) {
        long fmas = (long) M * K * N;
        if (pool.threads() == 1 || fmas < PARALLEL_MIN_FMAS) return false;
        return fmas >= SPLIT_MIN_FMAS || (long) K * N >= PARALLEL_MIN_WEIGHTS;
    }

    /** out[M,N] = x[M,K]·w[K,N] + bias (bias may be null), split over N across the pool. */
    public static void matmul(ComputePool pool, float[] out, float[] x, float[] w, float[] bias, int M, int K, int N) {
        checkShapes("matmul", out, x, w, M, K, N);
        if (bias != null && bias.length < N) throw new IllegalArgumentException("matmul: bias has " + bias.length + " floats, needs N=" + N);
        if (M == 0 || N == 0) return;
        if (!split(pool, M, K, N)) {
            matmulColumns(WIDE, out, x, w, bias, M, K, N, 0, N);
        } else {
            ColumnsTask.run(pool, false, out, x, w, bias, M, K, N);
        }
    }

    /**
     * out[M,N] = x[M,K]·w[K,N] + bias (bias may be null) with w in a {@link PackedMatrix},
     * split over N across the pool: the same tiles as the row-major product, reading each panel
     * as one contiguous run. Its scalar twin is {@link #matmulScalar} on the unpacked w.
     */
    public static void matmul(ComputePool pool, float[] out, float[] x, PackedMatrix w, float[] bias, int M) {
        int K = w.K, N = w.N;
        checkRows("matmul", out, x, M, K, N);
        if (bias != null && bias.length < N) throw new IllegalArgumentException("matmul: bias has " + bias.length + " floats, needs N=" + N);
        if (M == 0 || N == 0) return;
        if (w.width != panelWidth(WIDE))
            throw new IllegalArgumentException("matmul: w was packed for the other tile family (panel width " + w.width + ")");
        if (!split(pool, M, K, N)) {
            packedColumns(WIDE, out, x, w, bias, M, 0, N);
        } else {
            ColumnsTask.run(pool, out, x, w, bias, M);
        }
    }

    /**
     * Scalar twin of {@link #matmul}, bit for bit: each output is the bias, then one fma per k in
     * order, as in every vector tile.
     */
    public static void matmulScalar(float[] out, float[] x, float[] w, float[] bias, int M, int K, int N) {
        matmulScalarRange(out, x, w, bias, M, K, N, 0, N);
    }

    private static void matmulScalarRange(float[] out, float[] x, float[] w, float[] bias, int M, int K, int N, int n0, int n1) {
        for (int m = 0; m < M; m++) {
            for (int n = n0; n < n1; n++) {
                float acc = bias == null ? 0f : bias[n];
                for (int k = 0; k < K; k++) acc = Math.fma(x[m * K + k], w[k * N + n], acc);
                out[m * N + n] = acc;
            }
        }
    }

    /** out[M,N] = x[M,K]·w[N,K]ᵀ, split over N across the pool. */
    public static void matmulTransposedB(ComputePool pool, float[] out, float[] x, float[] w, int M, int K, int N) {
        checkShapes("matmulTransposedB", out, x, w, M, K, N);
        if (M == 0 || N == 0) return;
        if (!split(pool, M, K, N)) {
            transposedColumns(WIDE, out, x, w, M, K, N, 0, N);
        } else {
            ColumnsTask.run(pool, true, out, x, w, null, M, K, N);
        }
    }

    /**
     * Scalar twin of {@link #matmulTransposedB}. It sums each dot product in sequence, where the
     * vector tiles keep one partial sum per lane over the whole vectors of k, add the lanes in
     * ReproducibleMath's order and then the last K mod L products in sequence, so the two differ
     * by rounding.
     */
    public static void matmulTransposedBScalar(float[] out, float[] x, float[] w, int M, int K, int N) {
        for (int m = 0; m < M; m++) {
            for (int n = 0; n < N; n++) {
                float acc = 0f;
                for (int k = 0; k < K; k++) acc += x[m * K + k] * w[n * K + k];
                out[m * N + n] = acc;
            }
        }
    }

    /**
     * One product's arguments as the pool's task, kept per calling thread and reused: a
     * capturing lambda would allocate on every call (about a hundred per decode step).
     */
    private static final class ColumnsTask implements ComputePool.RangeTask {
        private static final ThreadLocal<ColumnsTask> PER_THREAD = ThreadLocal.withInitial(ColumnsTask::new);

        boolean transposed;
        float[] out, x, w, bias;
        PackedMatrix packed;
        int M, K, N;

        static void run(ComputePool pool, boolean transposed, float[] out, float[] x, float[] w, float[] bias, int M, int K, int N) {
            run(pool, transposed, out, x, w, null, bias, M, K, N, transposed ? 4 : L);
        }

        static void run(ComputePool pool, float[] out, float[] x, PackedMatrix w, float[] bias, int M) {
            run(pool, false, out, x, null, w, bias, M, w.K, w.N, w.width); // ranges start on a panel
        }

        private static void run(ComputePool pool, boolean transposed, float[] out, float[] x, float[] w, PackedMatrix packed,
                                float[] bias, int M, int K, int N, int grain) {
            ColumnsTask t = PER_THREAD.get();
            if (t.out != null) t = new ColumnsTask(); // a product started from inside another one's task
            t.transposed = transposed;
            t.out = out;
            t.x = x;
            t.w = w;
            t.packed = packed;
            t.bias = bias;
            t.M = M;
            t.K = K;
            t.N = N;
            t.start(pool, grain);
        }

        private void start(ComputePool pool, int grain) {
            try {
                pool.parallelFor(N, grain, this);
            } finally {
                out = x = w = bias = null; // do not keep the arrays alive
                packed = null;
            }
        }

        @Override
        public void run(int n0, int n1) {
            if (transposed) transposedColumns(WIDE, out, x, w, M, K, N, n0, n1);
            else if (packed != null) packedColumns(WIDE, out, x, packed, bias, M, n0, n1);
            else matmulColumns(WIDE, out, x, w, bias, M, K, N, n0, n1);
        }
    }

    private static void checkShapes(String op, float[] out, float[] x, float[] w, int M, int K, int N) {
        checkRows(op, out, x, M, K, N);
        if (w.length < (long) K * N) throw new IllegalArgumentException(op + ": w has " + w.length + " floats, needs K*N=" + (long) K * N);
    }

    /** The checks of x and out, for either layout of w. */
    private static void checkRows(String op, float[] out, float[] x, int M, int K, int N) {
        if (M < 0 || K < 0 || N < 0) throw new IllegalArgumentException(op + ": negative shape M=" + M + " K=" + K + " N=" + N);
        if (x.length < (long) M * K) throw new IllegalArgumentException(op + ": x has " + x.length + " floats, needs M*K=" + (long) M * K);
        if (out.length < (long) M * N) throw new IllegalArgumentException(op + ": out has " + out.length + " floats, needs M*N=" + (long) M * N);
    }

    /**
     * Computes columns [n0, n1) of out = x·w + bias with the tile family of 512-bit vectors
     * ({@code wide}) or the narrower one; package-private so tests can run either family.
     */
    static void matmulColumns(boolean wide, float[] out, float[] x, float[] w, float[] bias, int M, int K, int N, int n0, int n1) {
        // Every tile adds to what out holds, so out starts as the bias (or zeros). Tiles that chose
        // between zero, bias and out at their start made C2 merge vectors from three paths, and the
        // code it compiled under one regime ran 3x slower under the other (measured: decode after prefill).
        for (int m = 0; m < M; m++) {
            if (bias == null) Arrays.fill(out, m * N + n0, m * N + n1, 0f);
            else System.arraycopy(bias, n0, out, m * N + n0, n1 - n0);
        }
        int kc = M <= SMALL_M ? KC_SMALL_M : KC;
        int panel = panelWidth(wide);
        for (int k0 = 0; k0 < K; k0 += kc) {
            int k1 = Math.min(K, k0 + kc);
            for (int mb = 0; mb < M; mb += MC) {
                int me = Math.min(M, mb + MC);
                int n = n0;
                for (; n + panel <= n1; n += panel) {
                    for (int m = mb; m < me; ) {
                        m += wide ? widePanel(out, x, w, n, N, K, N, m, me - m, n, k0, k1)
                                  : narrowPanel(out, x, w, n, N, K, N, m, me - m, n, k0, k1);
                    }
                }
                for (; n < n1; n += L) {
                    for (int m = mb; m < me; ) {
                        m += columnTile(out, x, w, n, N, K, N, m, me - m, n, n1, k0, k1);
                    }
                }
            }
        }
    }

    /**
     * Columns [n0, n1) of out = x·w + bias, w packed; n0 starts a panel. With few rows of x the
     * k loop is not blocked: a panel is one contiguous stream, so the tile keeps its accumulators
     * in registers over all of K. With many rows it is blocked as in {@link #matmulColumns}.
     */
    static void packedColumns(boolean wide, float[] out, float[] x, PackedMatrix w, float[] bias, int M, int n0, int n1) {
        int K = w.K, N = w.N, width = w.width, tailWidth = N - w.panelColumns;
        for (int m = 0; m < M; m++) {
            if (bias == null) Arrays.fill(out, m * N + n0, m * N + n1, 0f);
            else System.arraycopy(bias, n0, out, m * N + n0, n1 - n0);
        }
        int kc = M <= SMALL_M ? Math.max(K, 1) : KC;
        int panelsEnd = Math.min(n1, w.panelColumns);
        for (int k0 = 0; k0 < K; k0 += kc) {
            int k1 = Math.min(K, k0 + kc);
            for (int mb = 0; mb < M; mb += MC) {
                int me = Math.min(M, mb + MC);
                int n = n0;
                for (; n < panelsEnd; n += width) {
                    int base = n / width * K * width;
                    for (int m = mb; m < me; ) {
                        m += wide ? widePanel(out, x, w.panels, base, width, K, N, m, me - m, n, k0, k1)
                                  : narrowPanel(out, x, w.panels, base, width, K, N, m, me - m, n, k0, k1);
                    }
                }
                for (; n < n1; n += L) {
                    for (int m = mb; m < me; ) {
                        m += columnTile(out, x, w.tail, n - w.panelColumns, tailWidth, K, N, m, me - m, n, n1, k0, k1);
                    }
                }
            }
        }
    }

    /** Runs the largest 512-bit-family tile that fits the {@code left} remaining rows; returns the rows done. */
    private static int widePanel(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                                 int m, int left, int n, int k0, int k1) {
        if (left >= 5) {
            int rows = Math.min(8, left);
            wide8x3(out, x, w, wBase, wStride, K, N, m, rows, n, k0, k1);
            return rows;
        }
        if (left >= 3) {
            wide4x3(out, x, w, wBase, wStride, K, N, m, left, n, k0, k1);
        } else if (left == 2) {
            wide2x3(out, x, w, wBase, wStride, K, N, m, 2, n, k0, k1);
        } else {
            wide1x3(out, x, w, wBase, wStride, K, N, m, 1, n, k0, k1);
        }
        return left;
    }

    private static int narrowPanel(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                                   int m, int left, int n, int k0, int k1) {
        // 7 or 8 rows go as 4 + 4 rather than 6 + a weak 1- or 2-row tile (batches of 8 are common)
        if (left >= 5 && left != 7 && left != 8) {
            int rows = Math.min(6, left);
            narrow6x2(out, x, w, wBase, wStride, K, N, m, rows, n, k0, k1);
            return rows;
        }
        if (left >= 3) {
            int rows = Math.min(4, left);
            narrow4x2(out, x, w, wBase, wStride, K, N, m, rows, n, k0, k1);
            return rows;
        }
        if (left == 2) {
            narrow2x2(out, x, w, wBase, wStride, K, N, m, 2, n, k0, k1);
        } else {
            narrow1x2(out, x, w, wBase, wStride, K, N, m, 1, n, k0, k1);
        }
        return left;
    }

    /**
     * Runs the largest one-vector tile that fits the {@code left} remaining rows; returns the rows done.
     * Four rows at most: C1 gives up on an 8-row masked tile (out of virtual registers), and a method
     * that tiered compilation had first given to C1's level 2 then stayed there for the JVM's life,
     * every vector operation boxed: about 1 in 2 freshly started servers ran 2 to 3x slower throughout.
     */
    private static int columnTile(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                                  int m, int left, int n, int nEnd, int k0, int k1) {
        if (left >= 3) {
            int rows = Math.min(4, left);
            column4(out, x, w, wBase, wStride, K, N, m, rows, n, nEnd, k0, k1);
            return rows;
        }
        if (left == 2) {
            column2(out, x, w, wBase, wStride, K, N, m, 2, n, nEnd, k0, k1);
        } else {
            column1(out, x, w, wBase, wStride, K, N, m, 1, n, nEnd, k0, k1);
        }
        return left;
    }

    /** Columns [n0, n1) of out = x·wᵀ; {@code wide} picks the 4-row tiles, else 2-row ones (16 registers). */
    static void transposedColumns(boolean wide, float[] out, float[] x, float[] w, int M, int K, int N, int n0, int n1) {
        float[] lanes = Scratch.floats(16 * L); // a tile's accumulators, on their way to ReproducibleMath.sums16 or sums4
        for (int mb = 0; mb < M; mb += MC) {
            int me = Math.min(M, mb + MC);
            for (int n = n0; n < n1; n += 4) {
                int cols = Math.min(4, n1 - n);
                for (int m = mb; m < me; ) {
                    int left = me - m;
                    if (left == 1) {
                        dot1x4(lanes, out, x, w, K, N, m, 1, n, cols);
                        m += 1;
                    } else if (!wide || left == 2) {
                        dot2x4(lanes, out, x, w, K, N, m, 2, n, cols);
                        m += 2;
                    } else {
                        int rows = Math.min(4, left);
                        dot4x4(lanes, out, x, w, K, N, m, rows, n, cols);
                        m += rows;
                    }
                }
            }
        }
    }

    // The tiles below are unrolled by hand: C2 keeps vector locals in registers, not arrays of vectors.

    // ---- broadcast tiles of the 512-bit family (32 vector registers: 24 accumulators + 3 weights + 1 broadcast)

    /** Adds an 8-row by 3-vector block: rows m .. m+rows-1 (rows &lt;= 8), columns n .. n+3·L-1. */
    private static void wide8x3(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last), r2 = m + Math.min(2, last), r3 = m + Math.min(3, last);
        int r4 = m + Math.min(4, last), r5 = m + Math.min(5, last), r6 = m + Math.min(6, last), r7 = m + Math.min(7, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        int x2 = r2 * K, o2 = r2 * N + n;
        int x3 = r3 * K, o3 = r3 * N + n;
        int x4 = r4 * K, o4 = r4 * N + n;
        int x5 = r5 * K, o5 = r5 * N + n;
        int x6 = r6 * K, o6 = r6 * N + n;
        int x7 = r7 * K, o7 = r7 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L), c02 = FloatVector.fromArray(F, out, o0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L), c12 = FloatVector.fromArray(F, out, o1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L), c22 = FloatVector.fromArray(F, out, o2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L), c32 = FloatVector.fromArray(F, out, o3 + 2 * L);
        FloatVector c40 = FloatVector.fromArray(F, out, o4), c41 = FloatVector.fromArray(F, out, o4 + L), c42 = FloatVector.fromArray(F, out, o4 + 2 * L);
        FloatVector c50 = FloatVector.fromArray(F, out, o5), c51 = FloatVector.fromArray(F, out, o5 + L), c52 = FloatVector.fromArray(F, out, o5 + 2 * L);
        FloatVector c60 = FloatVector.fromArray(F, out, o6), c61 = FloatVector.fromArray(F, out, o6 + L), c62 = FloatVector.fromArray(F, out, o6 + 2 * L);
        FloatVector c70 = FloatVector.fromArray(F, out, o7), c71 = FloatVector.fromArray(F, out, o7 + L), c72 = FloatVector.fromArray(F, out, o7 + 2 * L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L), w2 = FloatVector.fromArray(F, w, wk + 2 * L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01); c02 = b.fma(w2, c02);
            b = FloatVector.broadcast(F, x[x1 + k]); c10 = b.fma(w0, c10); c11 = b.fma(w1, c11); c12 = b.fma(w2, c12);
            b = FloatVector.broadcast(F, x[x2 + k]); c20 = b.fma(w0, c20); c21 = b.fma(w1, c21); c22 = b.fma(w2, c22);
            b = FloatVector.broadcast(F, x[x3 + k]); c30 = b.fma(w0, c30); c31 = b.fma(w1, c31); c32 = b.fma(w2, c32);
            b = FloatVector.broadcast(F, x[x4 + k]); c40 = b.fma(w0, c40); c41 = b.fma(w1, c41); c42 = b.fma(w2, c42);
            b = FloatVector.broadcast(F, x[x5 + k]); c50 = b.fma(w0, c50); c51 = b.fma(w1, c51); c52 = b.fma(w2, c52);
            b = FloatVector.broadcast(F, x[x6 + k]); c60 = b.fma(w0, c60); c61 = b.fma(w1, c61); c62 = b.fma(w2, c62);
            b = FloatVector.broadcast(F, x[x7 + k]); c70 = b.fma(w0, c70); c71 = b.fma(w1, c71); c72 = b.fma(w2, c72);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L); c02.intoArray(out, o0 + 2 * L);
        c10.intoArray(out, o1); c11.intoArray(out, o1 + L); c12.intoArray(out, o1 + 2 * L);
        c20.intoArray(out, o2); c21.intoArray(out, o2 + L); c22.intoArray(out, o2 + 2 * L);
        c30.intoArray(out, o3); c31.intoArray(out, o3 + L); c32.intoArray(out, o3 + 2 * L);
        c40.intoArray(out, o4); c41.intoArray(out, o4 + L); c42.intoArray(out, o4 + 2 * L);
        c50.intoArray(out, o5); c51.intoArray(out, o5 + L); c52.intoArray(out, o5 + 2 * L);
        c60.intoArray(out, o6); c61.intoArray(out, o6 + L); c62.intoArray(out, o6 + 2 * L);
        c70.intoArray(out, o7); c71.intoArray(out, o7 + L); c72.intoArray(out, o7 + 2 * L);
    }

    /** Adds a 4-row by 3-vector block: rows m .. m+rows-1 (rows &lt;= 4), columns n .. n+3·L-1. */
    private static void wide4x3(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last), r2 = m + Math.min(2, last), r3 = m + Math.min(3, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        int x2 = r2 * K, o2 = r2 * N + n;
        int x3 = r3 * K, o3 = r3 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L), c02 = FloatVector.fromArray(F, out, o0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L), c12 = FloatVector.fromArray(F, out, o1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L), c22 = FloatVector.fromArray(F, out, o2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L), c32 = FloatVector.fromArray(F, out, o3 + 2 * L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L), w2 = FloatVector.fromArray(F, w, wk + 2 * L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01); c02 = b.fma(w2, c02);
            b = FloatVector.broadcast(F, x[x1 + k]); c10 = b.fma(w0, c10); c11 = b.fma(w1, c11); c12 = b.fma(w2, c12);
            b = FloatVector.broadcast(F, x[x2 + k]); c20 = b.fma(w0, c20); c21 = b.fma(w1, c21); c22 = b.fma(w2, c22);
            b = FloatVector.broadcast(F, x[x3 + k]); c30 = b.fma(w0, c30); c31 = b.fma(w1, c31); c32 = b.fma(w2, c32);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L); c02.intoArray(out, o0 + 2 * L);
        c10.intoArray(out, o1); c11.intoArray(out, o1 + L); c12.intoArray(out, o1 + 2 * L);
        c20.intoArray(out, o2); c21.intoArray(out, o2 + L); c22.intoArray(out, o2 + 2 * L);
        c30.intoArray(out, o3); c31.intoArray(out, o3 + L); c32.intoArray(out, o3 + 2 * L);
    }

    /** Adds a 2-row by 3-vector block: rows m .. m+rows-1 (rows &lt;= 2), columns n .. n+3·L-1. */
    private static void wide2x3(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L), c02 = FloatVector.fromArray(F, out, o0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L), c12 = FloatVector.fromArray(F, out, o1 + 2 * L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L), w2 = FloatVector.fromArray(F, w, wk + 2 * L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01); c02 = b.fma(w2, c02);
            b = FloatVector.broadcast(F, x[x1 + k]); c10 = b.fma(w0, c10); c11 = b.fma(w1, c11); c12 = b.fma(w2, c12);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L); c02.intoArray(out, o0 + 2 * L);
        c10.intoArray(out, o1); c11.intoArray(out, o1 + L); c12.intoArray(out, o1 + 2 * L);
    }

    /** Adds a 1-row by 3-vector block: rows m .. m+rows-1 (rows &lt;= 1), columns n .. n+3·L-1. */
    private static void wide1x3(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int r0 = m;
        int x0 = r0 * K, o0 = r0 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L), c02 = FloatVector.fromArray(F, out, o0 + 2 * L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L), w2 = FloatVector.fromArray(F, w, wk + 2 * L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01); c02 = b.fma(w2, c02);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L); c02.intoArray(out, o0 + 2 * L);
    }

    // ---- broadcast tiles of the narrower family (16 registers on AVX2: 12 accumulators + 2 weights + 1 broadcast)

    /** Adds a 6-row by 2-vector block: rows m .. m+rows-1 (rows &lt;= 6), columns n .. n+2·L-1. */
    private static void narrow6x2(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last), r2 = m + Math.min(2, last), r3 = m + Math.min(3, last);
        int r4 = m + Math.min(4, last), r5 = m + Math.min(5, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        int x2 = r2 * K, o2 = r2 * N + n;
        int x3 = r3 * K, o3 = r3 * N + n;
        int x4 = r4 * K, o4 = r4 * N + n;
        int x5 = r5 * K, o5 = r5 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L);
        FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
        FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L);
        FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L);
        FloatVector c40 = FloatVector.fromArray(F, out, o4), c41 = FloatVector.fromArray(F, out, o4 + L);
        FloatVector c50 = FloatVector.fromArray(F, out, o5), c51 = FloatVector.fromArray(F, out, o5 + L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01);
            b = FloatVector.broadcast(F, x[x1 + k]); c10 = b.fma(w0, c10); c11 = b.fma(w1, c11);
            b = FloatVector.broadcast(F, x[x2 + k]); c20 = b.fma(w0, c20); c21 = b.fma(w1, c21);
            b = FloatVector.broadcast(F, x[x3 + k]); c30 = b.fma(w0, c30); c31 = b.fma(w1, c31);
            b = FloatVector.broadcast(F, x[x4 + k]); c40 = b.fma(w0, c40); c41 = b.fma(w1, c41);
            b = FloatVector.broadcast(F, x[x5 + k]); c50 = b.fma(w0, c50); c51 = b.fma(w1, c51);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1); c11.intoArray(out, o1 + L);
        c20.intoArray(out, o2); c21.intoArray(out, o2 + L);
        c30.intoArray(out, o3); c31.intoArray(out, o3 + L);
        c40.intoArray(out, o4); c41.intoArray(out, o4 + L);
        c50.intoArray(out, o5); c51.intoArray(out, o5 + L);
    }

    /** Adds a 4-row by 2-vector block: rows m .. m+rows-1 (rows &lt;= 4), columns n .. n+2·L-1. */
    private static void narrow4x2(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last), r2 = m + Math.min(2, last), r3 = m + Math.min(3, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        int x2 = r2 * K, o2 = r2 * N + n;
        int x3 = r3 * K, o3 = r3 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L);
        FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
        FloatVector c20 = FloatVector.fromArray(F, out, o2), c21 = FloatVector.fromArray(F, out, o2 + L);
        FloatVector c30 = FloatVector.fromArray(F, out, o3), c31 = FloatVector.fromArray(F, out, o3 + L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01);
            b = FloatVector.broadcast(F, x[x1 + k]); c10 = b.fma(w0, c10); c11 = b.fma(w1, c11);
            b = FloatVector.broadcast(F, x[x2 + k]); c20 = b.fma(w0, c20); c21 = b.fma(w1, c21);
            b = FloatVector.broadcast(F, x[x3 + k]); c30 = b.fma(w0, c30); c31 = b.fma(w1, c31);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1); c11.intoArray(out, o1 + L);
        c20.intoArray(out, o2); c21.intoArray(out, o2 + L);
        c30.intoArray(out, o3); c31.intoArray(out, o3 + L);
    }

    /** Adds a 2-row by 2-vector block: rows m .. m+rows-1 (rows &lt;= 2), columns n .. n+2·L-1. */
    private static void narrow2x2(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L);
        FloatVector c10 = FloatVector.fromArray(F, out, o1), c11 = FloatVector.fromArray(F, out, o1 + L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01);
            b = FloatVector.broadcast(F, x[x1 + k]); c10 = b.fma(w0, c10); c11 = b.fma(w1, c11);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L);
        c10.intoArray(out, o1); c11.intoArray(out, o1 + L);
    }

    /** Adds a 1-row by 2-vector block: rows m .. m+rows-1 (rows &lt;= 1), columns n .. n+2·L-1. */
    private static void narrow1x2(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                               int m, int rows, int n, int k0, int k1) {
        int r0 = m;
        int x0 = r0 * K, o0 = r0 * N + n;
        FloatVector c00 = FloatVector.fromArray(F, out, o0), c01 = FloatVector.fromArray(F, out, o0 + L);
        for (int k = k0; k < k1; k++) {
            int wk = wBase + k * wStride;
            FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[x0 + k]); c00 = b.fma(w0, c00); c01 = b.fma(w1, c01);
        }
        c00.intoArray(out, o0); c01.intoArray(out, o0 + L);
    }

    // ---- one-vector tiles for the columns left over after the last full panel

    /** Adds a 4-row by one-vector block at columns n .. min(n+L, nEnd)-1 (masked). */
    private static void column4(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                                int m, int rows, int n, int nEnd, int k0, int k1) {
        VectorMask<Float> mask = F.indexInRange(n, nEnd);
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last), r2 = m + Math.min(2, last), r3 = m + Math.min(3, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        int x2 = r2 * K, o2 = r2 * N + n;
        int x3 = r3 * K, o3 = r3 * N + n;
        FloatVector c0 = FloatVector.fromArray(F, out, o0, mask);
        FloatVector c1 = FloatVector.fromArray(F, out, o1, mask);
        FloatVector c2 = FloatVector.fromArray(F, out, o2, mask);
        FloatVector c3 = FloatVector.fromArray(F, out, o3, mask);
        for (int k = k0; k < k1; k++) {
            FloatVector wv = FloatVector.fromArray(F, w, wBase + k * wStride, mask);
            c0 = FloatVector.broadcast(F, x[x0 + k]).fma(wv, c0);
            c1 = FloatVector.broadcast(F, x[x1 + k]).fma(wv, c1);
            c2 = FloatVector.broadcast(F, x[x2 + k]).fma(wv, c2);
            c3 = FloatVector.broadcast(F, x[x3 + k]).fma(wv, c3);
        }
        c0.intoArray(out, o0, mask);
        c1.intoArray(out, o1, mask);
        c2.intoArray(out, o2, mask);
        c3.intoArray(out, o3, mask);
    }

    /** Adds a 2-row by one-vector block at columns n .. min(n+L, nEnd)-1 (masked). */
    private static void column2(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                                int m, int rows, int n, int nEnd, int k0, int k1) {
        VectorMask<Float> mask = F.indexInRange(n, nEnd);
        int last = rows - 1;
        int r0 = m, r1 = m + Math.min(1, last);
        int x0 = r0 * K, o0 = r0 * N + n;
        int x1 = r1 * K, o1 = r1 * N + n;
        FloatVector c0 = FloatVector.fromArray(F, out, o0, mask);
        FloatVector c1 = FloatVector.fromArray(F, out, o1, mask);
        for (int k = k0; k < k1; k++) {
            FloatVector wv = FloatVector.fromArray(F, w, wBase + k * wStride, mask);
            c0 = FloatVector.broadcast(F, x[x0 + k]).fma(wv, c0);
            c1 = FloatVector.broadcast(F, x[x1 + k]).fma(wv, c1);
        }
        c0.intoArray(out, o0, mask);
        c1.intoArray(out, o1, mask);
    }

    /** Adds a 1-row by one-vector block at columns n .. min(n+L, nEnd)-1 (masked). */
    private static void column1(float[] out, float[] x, float[] w, int wBase, int wStride, int K, int N,
                                int m, int rows, int n, int nEnd, int k0, int k1) {
        VectorMask<Float> mask = F.indexInRange(n, nEnd);
        int r0 = m;
        int x0 = r0 * K, o0 = r0 * N + n;
        FloatVector c0 = FloatVector.fromArray(F, out, o0, mask);
        for (int k = k0; k < k1; k++) {
            FloatVector wv = FloatVector.fromArray(F, w, wBase + k * wStride, mask);
            c0 = FloatVector.broadcast(F, x[x0 + k]).fma(wv, c0);
        }
        c0.intoArray(out, o0, mask);
    }

    // ---- dot-product tiles for x·wᵀ

    /** out[i][j] = x row i · w row j for an 4×4 block: rows m .. m+rows-1 (rows &lt;= 4), w rows n .. n+cols-1 (cols &lt;= 4). */
    private static void dot4x4(float[] lanes, float[] out, float[] x, float[] w, int K, int N, int m, int rows, int n, int cols) {
        int last = rows - 1;
        int lastCol = cols - 1;
        int r0 = m, r1 = m + Math.min(1, last), r2 = m + Math.min(2, last), r3 = m + Math.min(3, last);
        int x0 = r0 * K, o0 = r0 * N;
        int x1 = r1 * K, o1 = r1 * N;
        int x2 = r2 * K, o2 = r2 * N;
        int x3 = r3 * K, o3 = r3 * N;
        int j0 = n, w0 = j0 * K;
        int j1 = n + Math.min(1, lastCol), w1 = j1 * K;
        int j2 = n + Math.min(2, lastCol), w2 = j2 * K;
        int j3 = n + Math.min(3, lastCol), w3 = j3 * K;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        int k = 0;
        for (int kEnd = F.loopBound(K); k < kEnd; k += L) {
            FloatVector b0 = FloatVector.fromArray(F, w, w0 + k), b1 = FloatVector.fromArray(F, w, w1 + k), b2 = FloatVector.fromArray(F, w, w2 + k), b3 = FloatVector.fromArray(F, w, w3 + k);
            FloatVector a;
            a = FloatVector.fromArray(F, x, x0 + k); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.fromArray(F, x, x1 + k); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.fromArray(F, x, x2 + k); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.fromArray(F, x, x3 + k); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
        }
        c00.intoArray(lanes, 0); c01.intoArray(lanes, L); c02.intoArray(lanes, 2 * L); c03.intoArray(lanes, 3 * L);
        c10.intoArray(lanes, 4 * L); c11.intoArray(lanes, 5 * L); c12.intoArray(lanes, 6 * L); c13.intoArray(lanes, 7 * L);
        c20.intoArray(lanes, 8 * L); c21.intoArray(lanes, 9 * L); c22.intoArray(lanes, 10 * L); c23.intoArray(lanes, 11 * L);
        c30.intoArray(lanes, 12 * L); c31.intoArray(lanes, 13 * L); c32.intoArray(lanes, 14 * L); c33.intoArray(lanes, 15 * L);
        ReproducibleMath.sums16(lanes, 0);
        out[o0 + j0] = lanes[0]; out[o0 + j1] = lanes[1]; out[o0 + j2] = lanes[2]; out[o0 + j3] = lanes[3];
        out[o1 + j0] = lanes[4]; out[o1 + j1] = lanes[5]; out[o1 + j2] = lanes[6]; out[o1 + j3] = lanes[7];
        out[o2 + j0] = lanes[8]; out[o2 + j1] = lanes[9]; out[o2 + j2] = lanes[10]; out[o2 + j3] = lanes[11];
        out[o3 + j0] = lanes[12]; out[o3 + j1] = lanes[13]; out[o3 + j2] = lanes[14]; out[o3 + j3] = lanes[15];
        if (k < K) dotTail(out, x, w, K, N, m, rows, n, cols, k);
    }

    /** out[i][j] = x row i · w row j for an 2×4 block: rows m .. m+rows-1 (rows &lt;= 2), w rows n .. n+cols-1 (cols &lt;= 4). */
    private static void dot2x4(float[] lanes, float[] out, float[] x, float[] w, int K, int N, int m, int rows, int n, int cols) {
        int last = rows - 1;
        int lastCol = cols - 1;
        int r0 = m, r1 = m + Math.min(1, last);
        int x0 = r0 * K, o0 = r0 * N;
        int x1 = r1 * K, o1 = r1 * N;
        int j0 = n, w0 = j0 * K;
        int j1 = n + Math.min(1, lastCol), w1 = j1 * K;
        int j2 = n + Math.min(2, lastCol), w2 = j2 * K;
        int j3 = n + Math.min(3, lastCol), w3 = j3 * K;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        int k = 0;
        for (int kEnd = F.loopBound(K); k < kEnd; k += L) {
            FloatVector b0 = FloatVector.fromArray(F, w, w0 + k), b1 = FloatVector.fromArray(F, w, w1 + k), b2 = FloatVector.fromArray(F, w, w2 + k), b3 = FloatVector.fromArray(F, w, w3 + k);
            FloatVector a;
            a = FloatVector.fromArray(F, x, x0 + k); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.fromArray(F, x, x1 + k); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
        }
        c00.intoArray(lanes, 0); c01.intoArray(lanes, L); c02.intoArray(lanes, 2 * L); c03.intoArray(lanes, 3 * L);
        c10.intoArray(lanes, 4 * L); c11.intoArray(lanes, 5 * L); c12.intoArray(lanes, 6 * L); c13.intoArray(lanes, 7 * L);
        ReproducibleMath.sums4(lanes, 0);
        ReproducibleMath.sums4(lanes, 4 * L);
        out[o0 + j0] = lanes[0]; out[o0 + j1] = lanes[1]; out[o0 + j2] = lanes[2]; out[o0 + j3] = lanes[3];
        out[o1 + j0] = lanes[4 * L]; out[o1 + j1] = lanes[4 * L + 1]; out[o1 + j2] = lanes[4 * L + 2]; out[o1 + j3] = lanes[4 * L + 3];
        if (k < K) dotTail(out, x, w, K, N, m, rows, n, cols, k);
    }

    /** out[i][j] = x row i · w row j for an 1×4 block: rows m .. m+rows-1 (rows &lt;= 1), w rows n .. n+cols-1 (cols &lt;= 4). */
    private static void dot1x4(float[] lanes, float[] out, float[] x, float[] w, int K, int N, int m, int rows, int n, int cols) {
        int lastCol = cols - 1;
        int r0 = m;
        int x0 = r0 * K, o0 = r0 * N;
        int j0 = n, w0 = j0 * K;
        int j1 = n + Math.min(1, lastCol), w1 = j1 * K;
        int j2 = n + Math.min(2, lastCol), w2 = j2 * K;
        int j3 = n + Math.min(3, lastCol), w3 = j3 * K;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        int k = 0;
        for (int kEnd = F.loopBound(K); k < kEnd; k += L) {
            FloatVector b0 = FloatVector.fromArray(F, w, w0 + k), b1 = FloatVector.fromArray(F, w, w1 + k), b2 = FloatVector.fromArray(F, w, w2 + k), b3 = FloatVector.fromArray(F, w, w3 + k);
            FloatVector a;
            a = FloatVector.fromArray(F, x, x0 + k); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
        }
        c00.intoArray(lanes, 0); c01.intoArray(lanes, L); c02.intoArray(lanes, 2 * L); c03.intoArray(lanes, 3 * L);
        ReproducibleMath.sums4(lanes, 0);
        out[o0 + j0] = lanes[0]; out[o0 + j1] = lanes[1]; out[o0 + j2] = lanes[2]; out[o0 + j3] = lanes[3];
        if (k < K) dotTail(out, x, w, K, N, m, rows, n, cols, k);
    }

    /**
     * Adds the products of k in [k0, K), fewer than a vector, to the block's outputs: after the lane
     * sums, in order, one fma per k. Scalar rather than one masked vector more: with it C1 gave up
     * on dot4x4 ("out of virtual registers") and the tile stayed in slow code for seconds.
     */
    private static void dotTail(float[] out, float[] x, float[] w, int K, int N, int m, int rows, int n, int cols, int k0) {
        for (int r = m; r < m + rows; r++) {
            for (int c = n; c < n + cols; c++) {
                float acc = out[r * N + c];
                for (int k = k0; k < K; k++) acc = Math.fma(x[r * K + k], w[c * K + k], acc);
                out[r * N + c] = acc;
            }
        }
    }

    // ---------------------------------------------------------------- backward

    /**
     * The backward of {@code out[M,N] = x[M,K]·w[K,N] + b[N]} (w row-major, as the forward's
     * {@link PackedMatrix} was made from):
     * <pre>
     * dx[M,K]  = dout[M,N] · w[K,N]ᵀ      {@link #matmul} with wT, w's transpose in panels
     * dw[K,N] += x[M,K]ᵀ · dout[M,N]      {@link #weightGrad}
     * db[N]   += Σ_m dout[m,:]             {@link #weightGrad} (when db is not null)
     * </pre>
     * wT is {@link PackedMatrix#panelsOfTransposed}(K, N) refreshed from w. Parameter gradients
     * accumulate (+=) so that a tensor used twice (the token embedding: input lookup and tied LM
     * head) sums its contributions, as in llm.c; dx is written.
     */
    public static void backward(ComputePool pool, float[] dx, float[] dw, float[] db, float[] dout, float[] x, PackedMatrix wT,
                                int M, int K, int N) {
        if (wT.K != N || wT.N != K)
            throw new IllegalArgumentException("backward: wT is " + wT.K + "x" + wT.N + ", needs the transpose of " + K + "x" + N);
        matmul(pool, dx, dout, wT, null, M);
        weightGrad(pool, dw, db, x, dout, M, K, N);
    }

    /** Scalar twin of {@link #backward}, bit for bit: dx sums one fma per n in order, as {@link #matmulScalar} on wᵀ does. */
    public static void backwardScalar(float[] dx, float[] dw, float[] db, float[] dout, float[] x, float[] w, int M, int K, int N) {
        for (int m = 0; m < M; m++) {
            for (int k = 0; k < K; k++) {
                float acc = 0f;
                for (int n = 0; n < N; n++) acc = Math.fma(dout[m * N + n], w[k * N + n], acc);
                dx[m * K + k] = acc;
            }
        }
        weightGradScalar(dw, db, x, dout, M, K, N);
    }

    /**
     * dW[K,N] += x[M,K]ᵀ·dY[M,N]; dB[N] += column sums of dY (dB may be null). Work is split
     * over the rows of dW (and columns of dB): every output element is summed by one thread in a
     * fixed order, so results do not depend on the number of threads.
     */
    public static void weightGrad(ComputePool pool, float[] dW, float[] dB, float[] x, float[] dY, int M, int K, int N) {
        checkSizes(dW, dB, x, dY, M, K, N);
        pool.parallelFor(K, KT, (k0, k1) -> weightGradRange(dW, x, dY, M, K, N, k0, k1));
        if (dB != null) pool.parallelFor(N, L, (n0, n1) -> biasGradRange(dB, dY, M, N, n0, n1));
    }

    /**
     * Scalar twin of {@link #weightGrad}, bit for bit: each dW element adds one fma per row m in
     * order onto its old value, each dB element sums its column and then adds the sum, as the
     * vector tiles do.
     */
    public static void weightGradScalar(float[] dW, float[] dB, float[] x, float[] dY, int M, int K, int N) {
        checkSizes(dW, dB, x, dY, M, K, N);
        for (int k = 0; k < K; k++) {
            for (int n = 0; n < N; n++) {
                float acc = dW[k * N + n];
                for (int m = 0; m < M; m++) acc = Math.fma(x[m * K + k], dY[m * N + n], acc);
                dW[k * N + n] = acc;
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
                for (int m = 0; m < M; m++) acc = Math.fma(x[m * K + k], dY[m * N + c], acc);
                dW[k * N + c] = acc;
            }
        }
    }

    // The tiles are unrolled by hand: C2 keeps vector locals in registers, not arrays of vectors.

    private static void tile8x3(float[] dW, float[] x, float[] dY, int m0, int m1, int K, int N, int k, int n) {
        int w0 = k * N + n, w1 = w0 + N, w2 = w1 + N, w3 = w2 + N, w4 = w3 + N, w5 = w4 + N, w6 = w5 + N, w7 = w6 + N;
        FloatVector a00 = FloatVector.fromArray(F, dW, w0), a01 = FloatVector.fromArray(F, dW, w0 + L), a02 = FloatVector.fromArray(F, dW, w0 + 2 * L);
        FloatVector a10 = FloatVector.fromArray(F, dW, w1), a11 = FloatVector.fromArray(F, dW, w1 + L), a12 = FloatVector.fromArray(F, dW, w1 + 2 * L);
        FloatVector a20 = FloatVector.fromArray(F, dW, w2), a21 = FloatVector.fromArray(F, dW, w2 + L), a22 = FloatVector.fromArray(F, dW, w2 + 2 * L);
        FloatVector a30 = FloatVector.fromArray(F, dW, w3), a31 = FloatVector.fromArray(F, dW, w3 + L), a32 = FloatVector.fromArray(F, dW, w3 + 2 * L);
        FloatVector a40 = FloatVector.fromArray(F, dW, w4), a41 = FloatVector.fromArray(F, dW, w4 + L), a42 = FloatVector.fromArray(F, dW, w4 + 2 * L);
        FloatVector a50 = FloatVector.fromArray(F, dW, w5), a51 = FloatVector.fromArray(F, dW, w5 + L), a52 = FloatVector.fromArray(F, dW, w5 + 2 * L);
        FloatVector a60 = FloatVector.fromArray(F, dW, w6), a61 = FloatVector.fromArray(F, dW, w6 + L), a62 = FloatVector.fromArray(F, dW, w6 + 2 * L);
        FloatVector a70 = FloatVector.fromArray(F, dW, w7), a71 = FloatVector.fromArray(F, dW, w7 + L), a72 = FloatVector.fromArray(F, dW, w7 + 2 * L);
        for (int m = m0; m < m1; m++) {
            int yo = m * N + n, xo = m * K + k;
            FloatVector y0 = FloatVector.fromArray(F, dY, yo);
            FloatVector y1 = FloatVector.fromArray(F, dY, yo + L);
            FloatVector y2 = FloatVector.fromArray(F, dY, yo + 2 * L);
            FloatVector b;
            b = FloatVector.broadcast(F, x[xo]);     a00 = b.fma(y0, a00); a01 = b.fma(y1, a01); a02 = b.fma(y2, a02);
            b = FloatVector.broadcast(F, x[xo + 1]); a10 = b.fma(y0, a10); a11 = b.fma(y1, a11); a12 = b.fma(y2, a12);
            b = FloatVector.broadcast(F, x[xo + 2]); a20 = b.fma(y0, a20); a21 = b.fma(y1, a21); a22 = b.fma(y2, a22);
            b = FloatVector.broadcast(F, x[xo + 3]); a30 = b.fma(y0, a30); a31 = b.fma(y1, a31); a32 = b.fma(y2, a32);
            b = FloatVector.broadcast(F, x[xo + 4]); a40 = b.fma(y0, a40); a41 = b.fma(y1, a41); a42 = b.fma(y2, a42);
            b = FloatVector.broadcast(F, x[xo + 5]); a50 = b.fma(y0, a50); a51 = b.fma(y1, a51); a52 = b.fma(y2, a52);
            b = FloatVector.broadcast(F, x[xo + 6]); a60 = b.fma(y0, a60); a61 = b.fma(y1, a61); a62 = b.fma(y2, a62);
            b = FloatVector.broadcast(F, x[xo + 7]); a70 = b.fma(y0, a70); a71 = b.fma(y1, a71); a72 = b.fma(y2, a72);
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
        FloatVector a0 = FloatVector.fromArray(F, dW, w0), a1 = FloatVector.fromArray(F, dW, w0 + N);
        FloatVector a2 = FloatVector.fromArray(F, dW, w0 + 2 * N), a3 = FloatVector.fromArray(F, dW, w0 + 3 * N);
        FloatVector a4 = FloatVector.fromArray(F, dW, w0 + 4 * N), a5 = FloatVector.fromArray(F, dW, w0 + 5 * N);
        FloatVector a6 = FloatVector.fromArray(F, dW, w0 + 6 * N), a7 = FloatVector.fromArray(F, dW, w0 + 7 * N);
        for (int m = m0; m < m1; m++) {
            int xo = m * K + k;
            FloatVector y = FloatVector.fromArray(F, dY, m * N + n);
            a0 = FloatVector.broadcast(F, x[xo]).fma(y, a0);
            a1 = FloatVector.broadcast(F, x[xo + 1]).fma(y, a1);
            a2 = FloatVector.broadcast(F, x[xo + 2]).fma(y, a2);
            a3 = FloatVector.broadcast(F, x[xo + 3]).fma(y, a3);
            a4 = FloatVector.broadcast(F, x[xo + 4]).fma(y, a4);
            a5 = FloatVector.broadcast(F, x[xo + 5]).fma(y, a5);
            a6 = FloatVector.broadcast(F, x[xo + 6]).fma(y, a6);
            a7 = FloatVector.broadcast(F, x[xo + 7]).fma(y, a7);
        }
        a0.intoArray(dW, w0); a1.intoArray(dW, w0 + N); a2.intoArray(dW, w0 + 2 * N); a3.intoArray(dW, w0 + 3 * N);
        a4.intoArray(dW, w0 + 4 * N); a5.intoArray(dW, w0 + 5 * N); a6.intoArray(dW, w0 + 6 * N); a7.intoArray(dW, w0 + 7 * N);
    }

    private static void tile4x3(float[] dW, float[] x, float[] dY, int m0, int m1, int K, int N, int k, int n) {
        int w0 = k * N + n, w1 = w0 + N, w2 = w1 + N, w3 = w2 + N;
        FloatVector a00 = FloatVector.fromArray(F, dW, w0), a01 = FloatVector.fromArray(F, dW, w0 + L), a02 = FloatVector.fromArray(F, dW, w0 + 2 * L);
        FloatVector a10 = FloatVector.fromArray(F, dW, w1), a11 = FloatVector.fromArray(F, dW, w1 + L), a12 = FloatVector.fromArray(F, dW, w1 + 2 * L);
        FloatVector a20 = FloatVector.fromArray(F, dW, w2), a21 = FloatVector.fromArray(F, dW, w2 + L), a22 = FloatVector.fromArray(F, dW, w2 + 2 * L);
        FloatVector a30 = FloatVector.fromArray(F, dW, w3), a31 = FloatVector.fromArray(F, dW, w3 + L), a32 = FloatVector.fromArray(F, dW, w3 + 2 * L);
        for (int m = m0; m < m1; m++) {
            int yo = m * N + n, xo = m * K + k;
            FloatVector y0 = FloatVector.fromArray(F, dY, yo);
            FloatVector y1 = FloatVector.fromArray(F, dY, yo + L);
            FloatVector y2 = FloatVector.fromArray(F, dY, yo + 2 * L);
            FloatVector x0 = FloatVector.broadcast(F, x[xo]);
            a00 = x0.fma(y0, a00); a01 = x0.fma(y1, a01); a02 = x0.fma(y2, a02);
            FloatVector x1 = FloatVector.broadcast(F, x[xo + 1]);
            a10 = x1.fma(y0, a10); a11 = x1.fma(y1, a11); a12 = x1.fma(y2, a12);
            FloatVector x2 = FloatVector.broadcast(F, x[xo + 2]);
            a20 = x2.fma(y0, a20); a21 = x2.fma(y1, a21); a22 = x2.fma(y2, a22);
            FloatVector x3 = FloatVector.broadcast(F, x[xo + 3]);
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
            FloatVector acc = FloatVector.fromArray(F, dW, k * N + c);
            for (int m = m0; m < m1; m++) acc = FloatVector.broadcast(F, x[m * K + k]).fma(FloatVector.fromArray(F, dY, m * N + c), acc);
            acc.intoArray(dW, k * N + c);
        }
    }

    static void biasGradRange(float[] dB, float[] dY, int M, int N, int n0, int n1) {
        int c = n0;
        for (; c + L <= n1; c += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int m = 0; m < M; m++) acc = acc.add(FloatVector.fromArray(F, dY, m * N + c));
            acc.add(FloatVector.fromArray(F, dB, c)).intoArray(dB, c);
        }
        for (; c < n1; c++) {
            float acc = 0f;
            for (int m = 0; m < M; m++) acc += dY[m * N + c];
            dB[c] += acc;
        }
    }
}
