package miniserve.model;

import java.util.Arrays;
import miniserve.kernels.Attention;
import miniserve.kernels.ComputePool;
import miniserve.kernels.CrossEntropy;
import miniserve.kernels.Elementwise;
import miniserve.kernels.Embedding;
import miniserve.kernels.Gelu;
import miniserve.kernels.LayerNorm;
import miniserve.kernels.Matmul;
import miniserve.kernels.PackedMatrix;

/**
 * GPT-2 for training: the forward pass of {@link Gpt}, step for step with the same kernels, but
 * keeping every activation the backward needs, and the backward pass into a {@link GptWeights}
 * of gradients (same structure as the parameters). The layout of llm.c's {@code gpt2_forward}
 * and {@code gpt2_backward}: one method per step, the backward's in reverse order.
 *
 * <p>A batch is right-padded ({@link TrainingBatch}): row b holds lengths[b] real tokens at
 * positions 0 .. lengths[b]-1 and padding after them. Causal attention never lets a real slot
 * see a later (padding) one, and a padding query outputs zeros, so padding changes neither a
 * real token's loss nor any gradient. (Inference left-pads instead, so that every row's next
 * token is at the same slot; see {@link Gpt}.)
 *
 * <p>All buffers are allocated once for the largest batch, maxB rows of maxT slots; a step with
 * a shorter batch uses a prefix of each. The loss is the mean cross-entropy over the batch's
 * target tokens; logits are computed only for those Rt rows, about half of them for
 * {@code source <|sep|> target} sequences. Shapes: B rows, T slots, C = n_embd, NH heads,
 * V vocabulary, R = B·T, Rt ≤ R target rows.
 *
 * <p>Not thread-safe: one instance per training loop. The kernels split their work across the
 * given {@link ComputePool}, each output element summed by one thread in a fixed order, so the
 * results do not depend on the thread count.
 */
public final class GptTraining {

    /** Activations of one transformer block, kept for the backward. */
    private static final class BlockActivations {
        final float[] ln1, ln1Mean, ln1Rstd; // [R, C], [R], [R]
        final float[] qkv;                   // [R, 3C]
        final float[] atty;                  // [R, C]  attention output before c_proj
        final float[] att;                   // [R, NH, T]  attention probabilities
        final float[] residual2;             // [R, C]  residual + attention branch
        final float[] ln2, ln2Mean, ln2Rstd; // [R, C], [R], [R]
        final float[] fch, fchGelu, fchTanh; // [R, 4C]  before and after GELU, and GELU's tanh
        final float[] residual3;             // [R, C]  block output

        BlockActivations(int maxB, int maxT, int C, int NH) {
            int R = maxB * maxT;
            ln1 = new float[R * C]; ln1Mean = new float[R]; ln1Rstd = new float[R];
            qkv = new float[R * 3 * C];
            atty = new float[R * C];
            att = new float[R * NH * maxT];
            residual2 = new float[R * C];
            ln2 = new float[R * C]; ln2Mean = new float[R]; ln2Rstd = new float[R];
            fch = new float[R * 4 * C]; fchGelu = new float[R * 4 * C]; fchTanh = new float[R * 4 * C];
            residual3 = new float[R * C];
        }
    }

    private final GptConfig config;
    private final GptWeights params;
    private final GptWeights grads;
    private final float[][] gradArrays;
    /**
     * The matrices in panels ({@link PackedMatrix#panels}; the LM head wteᵀ), rewritten from the
     * parameters at every forward.
     */
    private final GptWeights.Packed layouts;
    /**
     * Their transposes in panels, for the input gradients dx = dy·wᵀ (the head's: d(headLn) =
     * d(logits)·wte), rewritten from the parameters at every backward.
     */
    private final GptWeights.Packed transposedLayouts;
    private final ComputePool pool;
    private final int maxB, maxT;
    private final int C, NH, V;

    // forward activations
    private final int[] tokenRow, tokenPos;       // [R] row of each slot, and its position (-1: right padding)
    private final float[] encoded;                // [R, C]
    private final BlockActivations[] blocks;
    private final float[] q, kT, v;               // [R, C], [B, NH, hd, T], [B, T, C]: one block's attention inputs
    private final int[] headRows;                 // [Rt] flat slot (b·T + t) of each target row
    private final int[] headTargets;              // [Rt] the token to predict there
    private final float[] headIn;                 // [Rt, C] final residual at the target rows
    private final float[] headLn, headMean, headRstd; // [Rt, C], [Rt], [Rt]
    private final float[] logits;                 // [Rt, V] logits -> probabilities -> d(logits)
    private final float[] rowLoss;                // [Rt]

    // backward scratch, shared by all blocks
    private final float[] dResidual;              // [R, C] gradient flowing down the residual stream
    private final float[] dLn;                    // [R, C] d(ln1), d(ln2)
    private final float[] dAtty;                  // [R, C]
    private final float[] dQkv;                   // [R, 3C]
    private final float[] dFch;                   // [R, 4C] d(fchGelu), then d(fch) in place
    private final float[] dHeadLn, dHeadIn;       // [Rt, C]
    private final float[] attScratch;             // [B·NH·T]
    private final float[] vT;                     // [B, NH, hd, T] values of each head, transposed

    // the batch of the last forward
    private TrainingBatch batch;
    private int targetRows;
    private boolean backwardReady;

    public GptTraining(GptWeights params, int maxB, int maxT, ComputePool pool) {
        this.config = params.config;
        if (maxT > config.nPositions())
            throw new IllegalArgumentException("sequence length " + maxT + " exceeds the model's " + config.nPositions() + " positions");
        this.params = params;
        this.grads = new GptWeights(config);
        this.gradArrays = grads.tensors().values().stream().map(GptWeights.Tensor::data).toArray(float[][]::new);
        this.pool = pool;
        this.maxB = maxB;
        this.maxT = maxT;
        C = config.nEmbd();
        NH = config.nHead();
        V = config.vocabSize();
        GptWeights.PackedLayer[] layers = new GptWeights.PackedLayer[config.nLayer()];
        GptWeights.PackedLayer[] transposed = new GptWeights.PackedLayer[config.nLayer()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new GptWeights.PackedLayer(PackedMatrix.panels(C, 3 * C), PackedMatrix.panels(C, C),
                    PackedMatrix.panels(C, 4 * C), PackedMatrix.panels(4 * C, C));
            transposed[l] = new GptWeights.PackedLayer(PackedMatrix.panelsOfTransposed(C, 3 * C), PackedMatrix.panelsOfTransposed(C, C),
                    PackedMatrix.panelsOfTransposed(C, 4 * C), PackedMatrix.panelsOfTransposed(4 * C, C));
        }
        layouts = new GptWeights.Packed(layers, PackedMatrix.panelsOfTransposed(V, C));
        transposedLayouts = new GptWeights.Packed(transposed, PackedMatrix.panels(V, C));
        int R = maxB * maxT;
        tokenRow = new int[R];
        tokenPos = new int[R];
        encoded = new float[R * C];
        blocks = new BlockActivations[config.nLayer()];
        for (int l = 0; l < blocks.length; l++) blocks[l] = new BlockActivations(maxB, maxT, C, NH);
        q = new float[R * C];
        kT = new float[R * C];
        v = new float[R * C];
        headRows = new int[R];
        headTargets = new int[R];
        headIn = new float[R * C];
        headLn = new float[R * C];
        headMean = new float[R];
        headRstd = new float[R];
        logits = new float[R * V];
        rowLoss = new float[R];
        dResidual = new float[R * C];
        dLn = new float[R * C];
        dAtty = new float[R * C];
        dQkv = new float[R * 3 * C];
        dFch = new float[R * 4 * C];
        dHeadLn = new float[R * C];
        dHeadIn = new float[R * C];
        attScratch = new float[maxB * NH * maxT];
        vT = new float[R * C];
    }

    public GptConfig config() { return config; }
    public GptWeights parameters() { return params; }
    /** Gradients of the last {@link #backward()}, same layout as the parameters. */
    public GptWeights gradients() { return grads; }
    public int maxB() { return maxB; }
    public int maxT() { return maxT; }

    /**
     * Runs the model over the batch, keeps the activations, and returns the mean cross-entropy
     * over its target tokens. The batch must stay unchanged until {@link #backward()}.
     */
    public float forward(TrainingBatch batch) {
        return forward(batch, true);
    }

    /** The loss only (held-out evaluation): the same forward, no backward to follow. */
    public float loss(TrainingBatch batch) {
        return forward(batch, false);
    }

    private float forward(TrainingBatch batch, boolean prepareBackward) {
        if (batch.maxB() > maxB || batch.maxT() > maxT)
            throw new IllegalArgumentException("batch buffers " + batch.maxB() + "x" + batch.maxT() + " exceed the model's " + maxB + "x" + maxT);
        int B = batch.batchSize(), T = batch.seqLen(), R = B * T;
        for (int i = 0; i < R; i++) {
            int tok = batch.inputs[i], target = batch.targets[i];
            if (tok < 0 || tok >= V || target >= V)
                throw new IllegalArgumentException("token id out of the vocabulary (" + V + "): " + Math.max(tok, target));
        }
        this.batch = batch;
        backwardReady = false;
        refresh(layouts);

        placeTokens(B, T);
        Embedding.forward(encoded, batch.inputs, tokenPos, params.wte, params.wpe, R, C);
        float[] residual = encoded;
        for (int l = 0; l < blocks.length; l++) {
            GptWeights.Layer w = params.layers[l];
            BlockActivations a = blocks[l];
            layerNorm(a.ln1, a.ln1Mean, a.ln1Rstd, residual, w.ln1W, w.ln1B, R);
            Matmul.matmul(pool, a.qkv, a.ln1, layouts.layers()[l].attnW(), w.attnB, R);
            attention(a, R, T);
            attentionProjectionResidual(a, l, residual, R);
            layerNorm(a.ln2, a.ln2Mean, a.ln2Rstd, a.residual2, w.ln2W, w.ln2B, R);
            mlpResidual(a, l, R);
            residual = a.residual3;
        }
        targetRows = gatherTargetRows(residual, R);
        if (targetRows == 0) throw new IllegalArgumentException("batch has no target tokens");
        return lossOnTargetRows(prepareBackward);
    }

    /** Slot t of row b is token b·T + t, at position t, or -1 in the row's right padding (from lengths[b] on). */
    private void placeTokens(int B, int T) {
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                tokenRow[b * T + t] = b;
                tokenPos[b * T + t] = t < batch.lengths[b] ? t : -1;
            }
        }
    }

    /** out[R, C] = layernorm(x), keeping each row's mean and rstd for the backward. */
    private void layerNorm(float[] out, float[] mean, float[] rstd, float[] x, float[] weight, float[] bias, int R) {
        LayerNorm.forward(pool, out, mean, rstd, x, weight, bias, R, C, config.layerNormEps());
    }

    /**
     * Each slot's key and value from qkv[R, 3C] go to its row's slot of kT and v (T slots a row);
     * then atty[R, C] = causal softmax(q·kᵀ/√hd)·v per head, right padding masked; att keeps the
     * probabilities.
     */
    private void attention(BlockActivations a, int R, int T) {
        Attention.splitQkv(q, kT, v, a.qkv, tokenRow, tokenPos, R, T, C, NH);
        Attention.forward(pool, a.atty, a.att, q, kT, v, tokenRow, tokenPos, null, R, T, C, NH);
    }

    /** residual2[R, C] = atty · c_proj + b + residual. */
    private void attentionProjectionResidual(BlockActivations a, int l, float[] residual, int R) {
        Matmul.matmul(pool, a.residual2, a.atty, layouts.layers()[l].attnProjW(), params.layers[l].attnProjB, R);
        Elementwise.addInPlace(a.residual2, residual, R * C);
    }

    /** fch[R, 4C] = ln2 · c_fc + b;  fchGelu = gelu(fch);  residual3[R, C] = fchGelu · mlp.c_proj + b + residual2. */
    private void mlpResidual(BlockActivations a, int l, int R) {
        GptWeights.PackedLayer m = layouts.layers()[l];
        Matmul.matmul(pool, a.fch, a.ln2, m.fcW(), params.layers[l].fcB, R);
        Gelu.forward(pool, a.fchGelu, a.fchTanh, a.fch, R * 4 * C);
        Matmul.matmul(pool, a.residual3, a.fchGelu, m.fcProjW(), params.layers[l].fcProjB, R);
        Elementwise.addInPlace(a.residual3, a.residual2, R * C);
    }

    /** headIn[Rt, C] = the final residual at the slots that have a target; returns Rt. */
    private int gatherTargetRows(float[] residual, int R) {
        int Rt = 0;
        for (int i = 0; i < R; i++) {
            if (batch.targets[i] == TrainingBatch.NO_TARGET) continue;
            headRows[Rt] = i;
            headTargets[Rt] = batch.targets[i];
            System.arraycopy(residual, i * C, headIn, Rt * C, C);
            Rt++;
        }
        return Rt;
    }

    /** headLn = ln_f(headIn);  logits[Rt, V] = headLn · wteᵀ;  probabilities and the mean loss over the Rt rows. */
    private float lossOnTargetRows(boolean prepareBackward) {
        int Rt = targetRows;
        layerNorm(headLn, headMean, headRstd, headIn, params.lnFW, params.lnFB, Rt);
        Matmul.matmul(pool, logits, headLn, layouts.lmHead(), null, Rt);
        CrossEntropy.forward(pool, logits, rowLoss, headTargets, Rt, V);
        backwardReady = prepareBackward;
        double sum = 0;
        for (int r = 0; r < Rt; r++) sum += rowLoss[r];
        return (float) (sum / Rt);
    }

    /**
     * Floating-point operations of a training step (forward and backward) on the last forward's
     * batch, as computed: the matrix products over all B·T slots, right padding included (2·R·12·C²
     * a layer and 2·Rt·V·C for the head, three times over for the backward's two products per
     * weight), and attention over each row's real tokens (q·kᵀ and att·v, 4·C·n(n+1)/2 a layer,
     * three times over). Layernorm, GELU, softmax, cross-entropy and AdamW are not counted: they
     * are a few percent of the work at C = 256 and run at memory speed.
     */
    public double stepFlops() {
        if (batch == null) throw new IllegalStateException("stepFlops() needs a forward() first");
        int R = batch.batchSize() * batch.seqLen();
        double products = 2.0 * R * 12L * C * C * blocks.length + 2.0 * targetRows * V * C;
        double attention = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            long n = batch.lengths[b];
            attention += 4.0 * C * n * (n + 1) / 2 * blocks.length;
        }
        return 3 * (products + attention);
    }

    /** Gradients of the last {@link #forward}'s loss into {@link #gradients()} (overwritten). */
    public void backward() {
        if (!backwardReady) throw new IllegalStateException("backward() needs a forward() first");
        backwardReady = false;
        int B = batch.batchSize(), T = batch.seqLen(), R = B * T;
        refresh(transposedLayouts);
        zeroGradients();
        headBackward(R);
        for (int l = blocks.length - 1; l >= 0; l--) {
            float[] residual = l == 0 ? encoded : blocks[l - 1].residual3;
            // dResidual holds d(residual3): it flows through the MLP branch and, unchanged, past it.
            mlpBackward(blocks[l], l, R);
            // dResidual now holds d(residual2).
            attentionBackward(blocks[l], l, residual, B, T, R);
        }
        Embedding.backward(pool, grads.wte, grads.wpe, dResidual, batch.inputs, tokenPos, R, C);
    }

    /**
     * Cross-entropy, logits = headLn · wteᵀ and ln_f backwards: d(logits) in place of the
     * probabilities, d(headLn) = d(logits)·wte, dwte += d(logits)ᵀ·headLn, then d(headIn)
     * scattered back to the target slots of dResidual [R, C].
     */
    private void headBackward(int R) {
        int Rt = targetRows;
        CrossEntropy.backward(pool, logits, headTargets, Rt, V);
        Matmul.matmul(pool, dHeadLn, logits, transposedLayouts.lmHead(), null, Rt);
        Matmul.weightGrad(pool, grads.wte, null, logits, headLn, Rt, V, C);
        Arrays.fill(dHeadIn, 0, Rt * C, 0f);
        LayerNorm.backward(pool, dHeadIn, grads.lnFW, grads.lnFB, dHeadLn, headIn, params.lnFW, headMean, headRstd, Rt, C);
        Arrays.fill(dResidual, 0, R * C, 0f);
        for (int r = 0; r < Rt; r++) System.arraycopy(dHeadIn, r * C, dResidual, headRows[r] * C, C);
    }

    /** mlp.c_proj, GELU, c_fc and ln_2 backwards; dResidual += the branch's input gradient. */
    private void mlpBackward(BlockActivations a, int l, int R) {
        GptWeights.Layer w = params.layers[l], g = grads.layers[l];
        GptWeights.PackedLayer t = transposedLayouts.layers()[l];
        Matmul.backward(pool, dFch, g.fcProjW, g.fcProjB, dResidual, a.fchGelu, t.fcProjW(), R, 4 * C, C);
        Gelu.backward(pool, dFch, a.fch, a.fchTanh, R * 4 * C);
        Matmul.backward(pool, dLn, g.fcW, g.fcB, dFch, a.ln2, t.fcW(), R, C, 4 * C);
        LayerNorm.backward(pool, dResidual, g.ln2W, g.ln2B, dLn, a.residual2, w.ln2W, a.ln2Mean, a.ln2Rstd, R, C);
    }

    /** c_proj, attention, c_attn and ln_1 backwards; dResidual += the branch's input gradient. */
    private void attentionBackward(BlockActivations a, int l, float[] residual, int B, int T, int R) {
        GptWeights.Layer w = params.layers[l], g = grads.layers[l];
        GptWeights.PackedLayer t = transposedLayouts.layers()[l];
        Matmul.backward(pool, dAtty, g.attnProjW, g.attnProjB, dResidual, a.atty, t.attnProjW(), R, C, C);
        Attention.backward(pool, dQkv, attScratch, vT, dAtty, a.qkv, a.att, batch.lengths, B, T, C, NH);
        Matmul.backward(pool, dLn, g.attnW, g.attnB, dQkv, a.ln1, t.attnW(), R, C, 3 * C);
        LayerNorm.backward(pool, dResidual, g.ln1W, g.ln1B, dLn, residual, w.ln1W, a.ln1Mean, a.ln1Rstd, R, C);
    }

    /**
     * Rewrites a set of layouts (the forward's or their transposes) from the parameters, which
     * change between steps.
     */
    private void refresh(GptWeights.Packed packed) {
        for (int l = 0; l < blocks.length; l++) {
            GptWeights.Layer w = params.layers[l];
            GptWeights.PackedLayer m = packed.layers()[l];
            m.attnW().refresh(pool, w.attnW);
            m.attnProjW().refresh(pool, w.attnProjW);
            m.fcW().refresh(pool, w.fcW);
            m.fcProjW().refresh(pool, w.fcProjW);
        }
        packed.lmHead().refresh(pool, params.wte);
    }

    private void zeroGradients() {
        for (float[] g : gradArrays) Arrays.fill(g, 0f);
    }
}
