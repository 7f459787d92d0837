package miniserve.train;

import java.util.Arrays;
import miniserve.kernels.ComputePool;
import miniserve.kernels.Elementwise;
import miniserve.kernels.Matmul;
import miniserve.kernels.MatmulGrad;
import miniserve.model.GptConfig;
import miniserve.model.GptWeights;

/**
 * GPT-2 for training: a forward pass that keeps every activation the backward needs, and the
 * backward pass into a {@link GptWeights} of gradients (same structure as the parameters).
 *
 * <p>All buffers are allocated once for the largest batch ({@code maxB × maxT}); a step with a
 * shorter batch uses a prefix of each. The loss is the mean cross-entropy over the batch's
 * target tokens (see {@link TrainingBatch}); logits are computed only for those positions,
 * which is about half of them for {@code source <|sep|> target} sequences.
 *
 * <p>Not thread-safe: one instance per training loop. The kernels inside split their work
 * across the given {@link ComputePool}.
 */
public final class GptTrainingModel {

    /** Activations of one transformer block, [M = B·T rows]. */
    private static final class BlockActivations {
        final float[] ln1, ln1Mean, ln1Rstd; // [M,C], [M], [M]
        final float[] qkv;                   // [M,3C]
        final float[] atty;                  // [M,C]  attention output before c_proj
        final float[] att;                   // [B,NH,T,T] attention probabilities
        final float[] residual2;             // [M,C]  residual + attention branch
        final float[] ln2, ln2Mean, ln2Rstd; // [M,C], [M], [M]
        final float[] fch, fchGelu, fchTanh; // [M,4C] before and after GELU, and GELU's tanh
        final float[] residual3;             // [M,C]  block output

        BlockActivations(int maxB, int maxT, int C, int NH) {
            int m = maxB * maxT;
            ln1 = new float[m * C]; ln1Mean = new float[m]; ln1Rstd = new float[m];
            qkv = new float[m * 3 * C];
            atty = new float[m * C];
            att = new float[maxB * NH * maxT * maxT];
            residual2 = new float[m * C];
            ln2 = new float[m * C]; ln2Mean = new float[m]; ln2Rstd = new float[m];
            fch = new float[m * 4 * C]; fchGelu = new float[m * 4 * C]; fchTanh = new float[m * 4 * C];
            residual3 = new float[m * C];
        }
    }

    private final GptConfig config;
    private final GptWeights params;
    private final GptWeights grads;
    private final float[][] gradArrays;
    /**
     * The matrices transposed: layer weights [out, in] and wte as [C, V]. Only those fields are
     * used (the arrays have the same sizes as the originals, just read in the other order).
     */
    private final GptWeights transposed;
    private final ComputePool pool;
    private final int maxB, maxT;

    // forward activations
    private final float[] encoded;                // [M,C]
    private final BlockActivations[] blocks;
    private final int[] headRows;                 // [R] flat position (b·T + t) of each target row
    private final int[] headTargets;              // [R] the token to predict there
    private final float[] headIn;                 // [R,C] final residual at the target rows
    private final float[] headLn, headMean, headRstd; // [R,C], [R], [R]
    private final float[] logits;                 // [R,V] logits -> probabilities -> d(logits)
    private final float[] rowLoss;                // [R]

    // backward scratch, shared by all blocks
    private final float[] dResidual;              // [M,C] gradient flowing down the residual stream
    private final float[] dLn;                    // [M,C] d(ln1), d(ln2)
    private final float[] dAtty;                  // [M,C]
    private final float[] dQkv;                   // [M,3C]
    private final float[] dFch;                   // [M,4C] d(fchGelu), then d(fch) in place
    private final float[] dHeadLn, dHeadIn;       // [R,C]
    private final float[] attScratch;             // [B·NH·T]
    private final float[] headTransposed;         // [B,NH,hd,T] keys (forward) or values (backward) of each head

    // the batch of the last forward
    private TrainingBatch batch;
    private int rows;
    private boolean backwardReady;

    public GptTrainingModel(GptWeights params, int maxB, int maxT, ComputePool pool) {
        this.config = params.config;
        if (maxT > config.nPositions())
            throw new IllegalArgumentException("sequence length " + maxT + " exceeds the model's " + config.nPositions() + " positions");
        this.params = params;
        this.grads = new GptWeights(config);
        this.gradArrays = grads.tensors().values().stream().map(GptWeights.Tensor::data).toArray(float[][]::new);
        this.transposed = new GptWeights(config);
        this.pool = pool;
        this.maxB = maxB;
        this.maxT = maxT;
        int C = config.nEmbd(), V = config.vocabSize(), m = maxB * maxT;
        encoded = new float[m * C];
        blocks = new BlockActivations[config.nLayer()];
        for (int l = 0; l < blocks.length; l++) blocks[l] = new BlockActivations(maxB, maxT, C, config.nHead());
        headRows = new int[m];
        headTargets = new int[m];
        headIn = new float[m * C];
        headLn = new float[m * C];
        headMean = new float[m];
        headRstd = new float[m];
        logits = new float[m * V];
        rowLoss = new float[m];
        dResidual = new float[m * C];
        dLn = new float[m * C];
        dAtty = new float[m * C];
        dQkv = new float[m * 3 * C];
        dFch = new float[m * 4 * C];
        dHeadLn = new float[m * C];
        dHeadIn = new float[m * C];
        attScratch = new float[maxB * config.nHead() * maxT];
        headTransposed = new float[m * C];
    }

    public GptConfig config() { return config; }
    public GptWeights parameters() { return params; }
    /** Gradients of the last {@link #backward()}, same layout as the parameters. */
    public GptWeights gradients() { return grads; }
    public int maxBatchSize() { return maxB; }
    public int maxSeqLen() { return maxT; }

    /**
     * Runs the model over the batch, keeps the activations, and returns the mean cross-entropy
     * over its target tokens. The batch must stay unchanged until {@link #backward()}.
     */
    public float forward(TrainingBatch batch) {
        return forward(batch, true);
    }

    /** The loss only (held-out evaluation): the same forward, no gradient prepared. */
    public float loss(TrainingBatch batch) {
        return forward(batch, false);
    }

    private float forward(TrainingBatch batch, boolean prepareBackward) {
        if (batch.maxBatchSize() > maxB || batch.maxSeqLen() > maxT)
            throw new IllegalArgumentException("batch buffers " + batch.maxBatchSize() + "x" + batch.maxSeqLen()
                    + " exceed the model's " + maxB + "x" + maxT);
        int B = batch.batchSize(), T = batch.seqLen(), M = B * T;
        int C = config.nEmbd(), NH = config.nHead(), V = config.vocabSize();
        float eps = config.layerNormEps();
        for (int i = 0; i < M; i++) {
            int tok = batch.inputs[i], target = batch.targets[i];
            if (tok < 0 || tok >= V || target >= V)
                throw new IllegalArgumentException("token id out of the vocabulary (" + V + "): " + Math.max(tok, target));
        }
        this.batch = batch;
        transposeWeights();

        TrainingLayers.encoderForward(encoded, batch.inputs, params.wte, params.wpe, B, T, C);
        float[] residual = encoded;
        for (int l = 0; l < blocks.length; l++) {
            GptWeights.Layer w = params.layers[l], t = transposed.layers[l];
            BlockActivations a = blocks[l];
            TrainingLayers.layernormForward(pool, a.ln1, a.ln1Mean, a.ln1Rstd, residual, w.ln1W, w.ln1B, M, C, eps);
            TrainingLayers.matmulForward(pool, a.qkv, a.ln1, t.attnW, w.attnB, M, C, 3 * C);
            TrainingLayers.attentionForward(pool, a.atty, a.att, headTransposed, a.qkv, batch.lengths, B, T, C, NH);
            TrainingLayers.matmulForward(pool, a.residual2, a.atty, t.attnProjW, w.attnProjB, M, C, C);
            Elementwise.addInPlace(a.residual2, residual, M * C);
            TrainingLayers.layernormForward(pool, a.ln2, a.ln2Mean, a.ln2Rstd, a.residual2, w.ln2W, w.ln2B, M, C, eps);
            TrainingLayers.matmulForward(pool, a.fch, a.ln2, t.fcW, w.fcB, M, C, 4 * C);
            TrainingLayers.geluForward(pool, a.fchGelu, a.fchTanh, a.fch, M * 4 * C);
            TrainingLayers.matmulForward(pool, a.residual3, a.fchGelu, t.fcProjW, w.fcProjB, M, 4 * C, C);
            Elementwise.addInPlace(a.residual3, a.residual2, M * C);
            residual = a.residual3;
        }

        // Head on the target rows only: gather, final layernorm, logits through the tied wte.
        int R = 0;
        for (int i = 0; i < M; i++) {
            if (batch.targets[i] == TrainingBatch.NO_TARGET) continue;
            headRows[R] = i;
            headTargets[R] = batch.targets[i];
            System.arraycopy(residual, i * C, headIn, R * C, C);
            R++;
        }
        rows = R;
        backwardReady = false;
        if (R == 0) throw new IllegalArgumentException("batch has no target tokens");
        TrainingLayers.layernormForward(pool, headLn, headMean, headRstd, headIn, params.lnFW, params.lnFB, R, C, eps);
        Matmul.matmulTransposedB(pool, logits, headLn, params.wte, R, C, V);
        if (prepareBackward) TrainingLayers.crossEntropyForwardBackward(pool, logits, rowLoss, headTargets, R, V);
        else TrainingLayers.crossEntropyForward(pool, logits, rowLoss, headTargets, R, V);
        backwardReady = prepareBackward;
        double sum = 0;
        for (int r = 0; r < R; r++) sum += rowLoss[r];
        return (float) (sum / R);
    }

    /** Gradients of the last {@link #forward}'s loss into {@link #gradients()} (overwritten). */
    public void backward() {
        if (!backwardReady) throw new IllegalStateException("backward() needs a forward() first");
        backwardReady = false;
        TrainingBatch batch = this.batch;
        int B = batch.batchSize(), T = batch.seqLen(), M = B * T, R = rows;
        int C = config.nEmbd(), NH = config.nHead(), V = config.vocabSize();
        zeroGradients();

        // Head: logits = headLn · wteᵀ  ->  d(headLn) = dlogits · wte, dwte += dlogitsᵀ · headLn
        Matmul.matmulTransposedB(pool, dHeadLn, logits, transposed.wte, R, V, C);
        MatmulGrad.weightGrad(pool, grads.wte, null, logits, headLn, R, V, C);
        Arrays.fill(dHeadIn, 0, R * C, 0f);
        TrainingLayers.layernormBackward(pool, dHeadIn, grads.lnFW, grads.lnFB, dHeadLn, headIn, params.lnFW,
                headMean, headRstd, R, C);
        Arrays.fill(dResidual, 0, M * C, 0f);
        for (int r = 0; r < R; r++) System.arraycopy(dHeadIn, r * C, dResidual, headRows[r] * C, C);

        for (int l = blocks.length - 1; l >= 0; l--) {
            GptWeights.Layer w = params.layers[l], g = grads.layers[l];
            BlockActivations a = blocks[l];
            float[] residual = l == 0 ? encoded : blocks[l - 1].residual3;
            // MLP branch; dResidual holds d(residual3) and flows through the residual unchanged.
            TrainingLayers.matmulBackward(pool, dFch, g.fcProjW, g.fcProjB, dResidual, a.fchGelu, w.fcProjW, M, 4 * C, C);
            TrainingLayers.geluBackwardInPlace(pool, dFch, a.fch, a.fchTanh, M * 4 * C);
            TrainingLayers.matmulBackward(pool, dLn, g.fcW, g.fcB, dFch, a.ln2, w.fcW, M, C, 4 * C);
            TrainingLayers.layernormBackward(pool, dResidual, g.ln2W, g.ln2B, dLn, a.residual2, w.ln2W, a.ln2Mean, a.ln2Rstd, M, C);
            // Attention branch; dResidual now holds d(residual2).
            TrainingLayers.matmulBackward(pool, dAtty, g.attnProjW, g.attnProjB, dResidual, a.atty, w.attnProjW, M, C, C);
            TrainingLayers.attentionBackward(pool, dQkv, attScratch, headTransposed, dAtty, a.qkv, a.att, batch.lengths, B, T, C, NH);
            TrainingLayers.matmulBackward(pool, dLn, g.attnW, g.attnB, dQkv, a.ln1, w.attnW, M, C, 3 * C);
            TrainingLayers.layernormBackward(pool, dResidual, g.ln1W, g.ln1B, dLn, residual, w.ln1W, a.ln1Mean, a.ln1Rstd, M, C);
        }
        TrainingLayers.encoderBackward(pool, grads.wte, grads.wpe, dResidual, batch.inputs, batch.lengths, B, T, C);
    }

    /**
     * Refreshes the transposed matrices the forward multiplies with (see
     * {@link TrainingLayers#matmulForward}); the parameters change between steps.
     */
    private void transposeWeights() {
        int C = config.nEmbd();
        for (int l = 0; l < blocks.length; l++) {
            GptWeights.Layer w = params.layers[l], t = transposed.layers[l];
            TrainingLayers.transpose(pool, t.attnW, w.attnW, C, 3 * C);
            TrainingLayers.transpose(pool, t.attnProjW, w.attnProjW, C, C);
            TrainingLayers.transpose(pool, t.fcW, w.fcW, C, 4 * C);
            TrainingLayers.transpose(pool, t.fcProjW, w.fcProjW, 4 * C, C);
        }
        TrainingLayers.transpose(pool, transposed.wte, params.wte, config.vocabSize(), C);
    }

    private void zeroGradients() {
        for (float[] g : gradArrays) Arrays.fill(g, 0f);
    }
}
