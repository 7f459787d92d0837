package miniserve.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and cross-entropy of the LM head's rows, forward and backward (llm.c's
 * crossentropy_forward and crossentropy_softmax_backward).
 *
 * <pre>
 * logits  [R, V]  become the probabilities in the forward, then d(loss)/d(logits) in the backward
 * targets [R]     the token each row should predict
 * rowLoss [R]     −log p(target)
 * </pre>
 * The loss is the mean over the R rows, so the gradient is (p − onehot(target)) / R.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int ROW_GRAIN = 4;

    /** Softmax of each row in place, and rowLoss[r] = −log p(targets[r]). */
    public static void forward(ComputePool pool, float[] logits, float[] rowLoss, int[] targets, int R, int V) {
        pool.parallelFor(R, ROW_GRAIN, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                Softmax.softmax(logits, r * V, V);
                rowLoss[r] = loss(logits, r * V, targets[r]);
            }
        });
    }

    /** Scalar twin of {@link #forward}. */
    public static void forwardScalar(float[] logits, float[] rowLoss, int[] targets, int R, int V) {
        for (int r = 0; r < R; r++) {
            Softmax.softmaxScalar(logits, r * V, V);
            rowLoss[r] = loss(logits, r * V, targets[r]);
        }
    }

    private static float loss(float[] probs, int o, int target) {
        return (float) -Math.log(Math.max(probs[o + target], Float.MIN_NORMAL));
    }

    /** The probabilities of {@link #forward} become d(mean loss)/d(logits) in place. */
    public static void backward(ComputePool pool, float[] probs, int[] targets, int R, int V) {
        float inv = 1f / R;
        pool.parallelFor(R, ROW_GRAIN, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * V, v = 0;
                for (int end = F.loopBound(V); v < end; v += L) FloatVector.fromArray(F, probs, o + v).mul(inv).intoArray(probs, o + v);
                for (; v < V; v++) probs[o + v] *= inv;
                probs[o + targets[r]] -= inv;
            }
        });
    }

    /** Scalar twin of {@link #backward}. */
    public static void backwardScalar(float[] probs, int[] targets, int R, int V) {
        float inv = 1f / R;
        for (int r = 0; r < R; r++) {
            for (int v = 0; v < V; v++) probs[r * V + v] *= inv;
            probs[r * V + targets[r]] -= inv;
        }
    }
}
