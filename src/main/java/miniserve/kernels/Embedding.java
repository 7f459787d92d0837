package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GPT-2's input: token embedding plus position embedding, forward and backward (llm.c's
 * encoder_forward and encoder_backward).
 *
 * <pre>
 * tokens, positions [R]   each token's id and position
 * wte [V, C], wpe [n_positions, C]
 * out [R, C]              wte[token] + wpe[position]
 * </pre>
 * A negative position marks padding: its row of out is zeros and it gets no gradient. (Each
 * model says where its tokens are: inference counts a row's positions from its first real token,
 * after its left padding; training marks its right padding.)
 */
public final class Embedding {
    private Embedding() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Channels per task in the backward (split over channels: two tokens with the same id never race). */
    private static final int CHANNEL_GRAIN = 16;

    /** out[R, C] = wte[tokens] + wpe[positions]; zeros where the position is negative. */
    public static void forward(float[] out, int[] tokens, int[] positions, float[] wte, float[] wpe, int R, int C) {
        for (int r = 0; r < R; r++) {
            int o = r * C, pos = positions[r];
            if (pos < 0) {
                java.util.Arrays.fill(out, o, o + C, 0f);
                continue;
            }
            int eo = tokens[r] * C, po = pos * C, c = 0;
            for (int end = F.loopBound(C); c < end; c += L)
                FloatVector.fromArray(F, wte, eo + c).add(FloatVector.fromArray(F, wpe, po + c)).intoArray(out, o + c);
            for (; c < C; c++) out[o + c] = wte[eo + c] + wpe[po + c];
        }
    }

    /** Scalar twin of {@link #forward}. */
    public static void forwardScalar(float[] out, int[] tokens, int[] positions, float[] wte, float[] wpe, int R, int C) {
        for (int r = 0; r < R; r++) {
            int pos = positions[r];
            for (int c = 0; c < C; c++) out[r * C + c] = pos < 0 ? 0f : wte[tokens[r] * C + c] + wpe[pos * C + c];
        }
    }

    /** dwte[V, C] += dout scattered by token; dwpe += dout scattered by position; padding (negative positions) skipped. */
    public static void backward(ComputePool pool, float[] dwte, float[] dwpe, float[] dout, int[] tokens, int[] positions, int R, int C) {
        pool.parallelFor(C, CHANNEL_GRAIN, (c0, c1) -> {
            for (int r = 0; r < R; r++) {
                if (positions[r] < 0) continue;
                int o = r * C, w = tokens[r] * C, p = positions[r] * C, c = c0;
                for (; c + L <= c1; c += L) {
                    FloatVector d = FloatVector.fromArray(F, dout, o + c);
                    FloatVector.fromArray(F, dwte, w + c).add(d).intoArray(dwte, w + c);
                    FloatVector.fromArray(F, dwpe, p + c).add(d).intoArray(dwpe, p + c);
                }
                for (; c < c1; c++) {
                    dwte[w + c] += dout[o + c];
                    dwpe[p + c] += dout[o + c];
                }
            }
        });
    }

    /** Scalar twin of {@link #backward}. */
    public static void backwardScalar(float[] dwte, float[] dwpe, float[] dout, int[] tokens, int[] positions, int R, int C) {
        for (int r = 0; r < R; r++) {
            if (positions[r] < 0) continue;
            for (int c = 0; c < C; c++) {
                dwte[tokens[r] * C + c] += dout[r * C + c];
                dwpe[positions[r] * C + c] += dout[r * C + c];
            }
        }
    }
}
