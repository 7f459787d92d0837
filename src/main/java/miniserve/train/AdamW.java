package miniserve.train;

import java.util.ArrayList;
import java.util.List;
import miniserve.kernels.ComputePool;
import miniserve.model.GptWeights;

/**
 * AdamW (Loshchilov and Hutter, <i>Decoupled Weight Decay Regularization</i>, 2019) over the
 * tensors of a {@link GptWeights}, with its two moments kept in two more {@code GptWeights}.
 *
 * <p>Weight decay applies to the 2-D tensors (the matmul weights and the token and position
 * embeddings, as llm.c does) and not to biases and layernorm gains/biases: pulling a gain
 * towards 0 or a bias towards 0 is not a useful prior, and they are few.
 *
 * <p>{@link #gradientNorm()} is the global L2 norm used for clipping: {@link #update} takes the
 * factor that scales the gradient before the moments see it.
 */
public final class AdamW {

    /** One parameter tensor with its gradient and moments. */
    private record Slot(float[] param, float[] grad, float[] m, float[] v, boolean decay) {}

    /** Elements per block of the norm's partial sums: fixed, so the sum does not depend on threads. */
    private static final int NORM_BLOCK = 8192;

    private final List<Slot> slots = new ArrayList<>();
    private final GptWeights m, v;
    private final float beta1, beta2, eps, weightDecay;
    private final ComputePool pool;
    private final double[] partial;
    private int t;

    public AdamW(GptWeights params, GptWeights grads, float beta1, float beta2, float eps, float weightDecay, ComputePool pool) {
        this(params, grads, new GptWeights(params.config), new GptWeights(params.config), 0, beta1, beta2, eps, weightDecay, pool);
    }

    /** Resumes with moments and step count from a checkpoint. */
    public AdamW(GptWeights params, GptWeights grads, GptWeights m, GptWeights v, int stepsTaken,
                 float beta1, float beta2, float eps, float weightDecay, ComputePool pool) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0))
            throw new IllegalArgumentException("AdamW needs 0 <= beta < 1, eps > 0, weight decay >= 0");
        this.m = m;
        this.v = v;
        this.t = stepsTaken;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.pool = pool;
        var p = params.tensors().values().iterator();
        var g = grads.tensors().values().iterator();
        var mi = m.tensors().values().iterator();
        var vi = v.tensors().values().iterator();
        int maxBlocks = 1;
        while (p.hasNext()) {
            GptWeights.Tensor pt = p.next();
            slots.add(new Slot(pt.data(), g.next().data(), mi.next().data(), vi.next().data(), pt.shape().length == 2));
            maxBlocks = Math.max(maxBlocks, (pt.data().length + NORM_BLOCK - 1) / NORM_BLOCK);
        }
        partial = new double[maxBlocks];
    }

    /** First moments (same layout as the parameters). */
    public GptWeights firstMoment() { return m; }
    /** Second moments. */
    public GptWeights secondMoment() { return v; }
    /** Updates taken so far. */
    public int stepsTaken() { return t; }

    /** Global L2 norm of all gradients. */
    public float gradientNorm() {
        double sum = 0;
        for (Slot s : slots) {
            float[] g = s.grad;
            int blocks = (g.length + NORM_BLOCK - 1) / NORM_BLOCK;
            pool.parallelFor(blocks, 1, (b0, b1) -> {
                for (int b = b0; b < b1; b++) {
                    double acc = 0;
                    for (int i = b * NORM_BLOCK, end = Math.min(g.length, i + NORM_BLOCK); i < end; i++) acc += g[i] * g[i];
                    partial[b] = acc;
                }
            });
            for (int b = 0; b < blocks; b++) sum += partial[b];
        }
        return (float) Math.sqrt(sum);
    }

    /** Clipping factor: {@code min(1, maxNorm / norm)}; maxNorm ≤ 0 means no clipping. */
    public static float clipScale(float norm, float maxNorm) {
        return maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1f;
    }

    /** One AdamW step at learning rate lr on gradients multiplied by gradScale. */
    public void update(float lr, float gradScale) {
        t++;
        float b1c = (float) (1 - Math.pow(beta1, t));
        float b2c = (float) (1 - Math.pow(beta2, t));
        for (Slot s : slots) {
            float decay = s.decay ? weightDecay : 0f;
            float[] p = s.param, g = s.grad, m = s.m, v = s.v;
            pool.parallelFor(p.length, 4096, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    float grad = g[i] * gradScale;
                    float mi = beta1 * m[i] + (1 - beta1) * grad;
                    float vi = beta2 * v[i] + (1 - beta2) * grad * grad;
                    m[i] = mi;
                    v[i] = vi;
                    float mHat = mi / b1c, vHat = vi / b2c;
                    p[i] -= lr * (mHat / ((float) Math.sqrt(vHat) + eps) + decay * p[i]);
                }
            });
        }
    }
}
