package miniserve.kernels;

/**
 * Causal multi-head attention of Tq new positions against a KV cache, with a key padding mask.
 *
 * <pre>
 * q    [B, Tq,   C]   queries of the new positions; head h owns columns h*hd .. h*hd+hd-1
 * k, v [B, Tmax, C]   the cache; slots 0 .. pos0+Tq-1 are filled for every row
 * out  [B, Tq,   C]   softmax(q·kᵀ / √hd) · v, per head
 * </pre>
 * Query t of row b sits at slot pos0+t and attends to slots firstValid[b] .. pos0+t:
 * slots before firstValid[b] are that row's left padding and are masked out. A query that
 * is itself padding (slot &lt; firstValid[b]) sees nothing and gets a zero output.
 */
public final class Attention {
    private Attention() {}

    public static void attention(ComputePool pool, float[] out, float[] q, float[] k, float[] v, int[] firstValid,
                                 int B, int Tq, int pos0, int Tmax, int C, int nHead) {
        // TODO(kernels): Vector API, split over (row, head) across the pool.
        attentionScalar(out, q, k, v, firstValid, B, Tq, pos0, Tmax, C, nHead);
    }

    public static void attentionScalar(float[] out, float[] q, float[] k, float[] v, int[] firstValid,
                                       int B, int Tq, int pos0, int Tmax, int C, int nHead) {
        int hd = C / nHead;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] att = new float[Tmax];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < Tq; t++) {
                int slot = pos0 + t;
                int qo = (b * Tq + t) * C;
                for (int h = 0; h < nHead; h++) {
                    int ho = h * hd;
                    int lo = firstValid[b];
                    int n = slot - lo + 1;
                    if (n <= 0) {
                        for (int i = 0; i < hd; i++) out[qo + ho + i] = 0f;
                        continue;
                    }
                    for (int s = lo; s <= slot; s++) {
                        int ko = (b * Tmax + s) * C + ho;
                        float dot = 0f;
                        for (int i = 0; i < hd; i++) dot += q[qo + ho + i] * k[ko + i];
                        att[s - lo] = dot * scale;
                    }
                    Softmax.softmaxScalar(att, 0, n);
                    for (int i = 0; i < hd; i++) out[qo + ho + i] = 0f;
                    for (int s = lo; s <= slot; s++) {
                        int vo = (b * Tmax + s) * C + ho;
                        float a = att[s - lo];
                        for (int i = 0; i < hd; i++) out[qo + ho + i] += a * v[vo + i];
                    }
                }
            }
        }
    }
}
