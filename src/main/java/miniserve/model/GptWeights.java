package miniserve.model;

import miniserve.kernels.PackedMatrix;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every parameter tensor of a GPT-2 model as a flat row-major {@code float[]}, named and shaped
 * as in a Hugging Face GPT-2 checkpoint. The trainer keeps its gradients and optimizer moments
 * in instances of the same class.
 */
public final class GptWeights {

    /** One transformer block. Shapes with C = n_embd. */
    public static final class Layer {
        public final float[] ln1W, ln1B;           // [C], [C]
        public final float[] attnW, attnB;         // c_attn: [C, 3C], [3C]  (q | k | v)
        public final float[] attnProjW, attnProjB; // c_proj: [C, C], [C]
        public final float[] ln2W, ln2B;           // [C], [C]
        public final float[] fcW, fcB;             // c_fc: [C, 4C], [4C]
        public final float[] fcProjW, fcProjB;     // mlp.c_proj: [4C, C], [C]

        Layer(int c) {
            ln1W = new float[c]; ln1B = new float[c];
            attnW = new float[c * 3 * c]; attnB = new float[3 * c];
            attnProjW = new float[c * c]; attnProjB = new float[c];
            ln2W = new float[c]; ln2B = new float[c];
            fcW = new float[c * 4 * c]; fcB = new float[4 * c];
            fcProjW = new float[4 * c * c]; fcProjB = new float[c];
        }
    }

    /** One block's four matrices in a {@link PackedMatrix} layout. */
    public record PackedLayer(PackedMatrix attnW, PackedMatrix attnProjW, PackedMatrix fcW, PackedMatrix fcProjW) {}

    /**
     * The matrices in a {@link PackedMatrix} layout: every block's, and the LM head wteᵀ [C, V].
     * Inference packs them in panels once ({@link #packed}); training keeps panel copies of them
     * and of their transposes, refreshed after every update ({@link GptTraining}).
     */
    public record Packed(PackedLayer[] layers, PackedMatrix lmHead) {}

    private volatile Packed packed;

    /**
     * The matrices packed for inference, made on the first call and kept: the weights must not
     * change afterwards (the trainer, which changes them, never calls this).
     */
    public Packed packed() {
        Packed p = packed;
        if (p == null) {
            synchronized (this) {
                p = packed;
                if (p == null) {
                    int c = config.nEmbd();
                    PackedLayer[] pl = new PackedLayer[layers.length];
                    for (int i = 0; i < layers.length; i++) {
                        Layer l = layers[i];
                        pl[i] = new PackedLayer(PackedMatrix.pack(l.attnW, c, 3 * c), PackedMatrix.pack(l.attnProjW, c, c),
                                PackedMatrix.pack(l.fcW, c, 4 * c), PackedMatrix.pack(l.fcProjW, 4 * c, c));
                    }
                    p = new Packed(pl, PackedMatrix.packTransposed(wte, config.vocabSize(), c));
                    packed = p;
                }
            }
        }
        return p;
    }

    /** A tensor's checkpoint name, its shape and its storage. */
    public record Tensor(String name, int[] shape, float[] data) {}

    public final GptConfig config;
    public final float[] wte;  // [V, C], also the LM head (tied)
    public final float[] wpe;  // [P, C]
    public final Layer[] layers;
    public final float[] lnFW, lnFB; // [C], [C]

    /** All tensors zero. */
    public GptWeights(GptConfig config) {
        this.config = config;
        int c = config.nEmbd();
        wte = new float[config.vocabSize() * c];
        wpe = new float[config.nPositions() * c];
        layers = new Layer[config.nLayer()];
        for (int i = 0; i < layers.length; i++) layers[i] = new Layer(c);
        lnFW = new float[c];
        lnFB = new float[c];
    }

    /**
     * GPT-2's initialisation: weights N(0, 0.02), residual projections N(0, 0.02/√(2·n_layer)),
     * biases 0, layernorm gains 1. Deterministic for a seed.
     */
    public static GptWeights random(GptConfig config, long seed) {
        GptWeights w = new GptWeights(config);
        SplittableRandom rnd = new SplittableRandom(seed);
        float std = 0.02f;
        float projStd = (float) (0.02 / Math.sqrt(2.0 * config.nLayer()));
        gaussian(w.wte, std, rnd);
        gaussian(w.wpe, 0.01f, rnd);
        for (Layer l : w.layers) {
            java.util.Arrays.fill(l.ln1W, 1f);
            java.util.Arrays.fill(l.ln2W, 1f);
            gaussian(l.attnW, std, rnd);
            gaussian(l.attnProjW, projStd, rnd);
            gaussian(l.fcW, std, rnd);
            gaussian(l.fcProjW, projStd, rnd);
        }
        java.util.Arrays.fill(w.lnFW, 1f);
        return w;
    }

    /**
     * A copy of these weights for a model with {@code nPositions} positions (at least as many as now).
     * Positions the model has learned keep their embeddings; each new one starts as the last learned
     * one plus N(0, 0.01) noise, so a warm-started run can learn longer sequences from there.
     */
    public GptWeights withPositions(int nPositions, long seed) {
        int p0 = config.nPositions(), c = config.nEmbd();
        if (nPositions < p0)
            throw new IllegalArgumentException("cannot shrink the model's " + p0 + " positions to " + nPositions);
        GptWeights w = new GptWeights(new GptConfig(config.vocabSize(), nPositions, c, config.nLayer(), config.nHead(),
                config.layerNormEps()));
        Map<String, Tensor> from = tensors(), to = w.tensors();
        for (var e : from.entrySet()) {
            float[] src = e.getValue().data(), dst = to.get(e.getKey()).data();
            System.arraycopy(src, 0, dst, 0, src.length);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] noise = new float[c];
        for (int p = p0; p < nPositions; p++) {
            gaussian(noise, 0.01f, rnd);
            for (int j = 0; j < c; j++) w.wpe[p * c + j] = wpe[(p0 - 1) * c + j] + noise[j];
        }
        return w;
    }

    /**
     * A copy of these weights for a deeper model of {@code nLayer} blocks that computes the same
     * function: the new blocks are spread evenly between the trained ones, and each starts as the
     * identity of its residual stream (both output projections and their biases zero), so a
     * warm-started run continues from the trained model's loss. Their other weights are GPT-2's
     * initialisation (N(0, 0.02), gains 1), so gradients reach them once the projections move.
     */
    public GptWeights withLayers(int nLayer, long seed) {
        int n0 = config.nLayer(), extra = nLayer - n0;
        if (extra < 0) throw new IllegalArgumentException("cannot shrink the model's " + n0 + " blocks to " + nLayer);
        GptWeights w = new GptWeights(new GptConfig(config.vocabSize(), config.nPositions(), config.nEmbd(), nLayer,
                config.nHead(), config.layerNormEps()));
        Map<String, Tensor> from = tensors(), into = w.tensors();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] target = new int[n0];
        int to = 0, added = 0;
        for (int i = 0; i < n0; i++) {
            target[i] = to++;
            // After trained block i go the new blocks numbered below extra·(i+1)/n0: even spacing.
            for (; added < (long) extra * (i + 1) / n0; added++) {
                Layer l = w.layers[to++];
                java.util.Arrays.fill(l.ln1W, 1f);
                java.util.Arrays.fill(l.ln2W, 1f);
                gaussian(l.attnW, 0.02f, rnd);
                gaussian(l.fcW, 0.02f, rnd);
            }
        }
        for (var e : from.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("h.")) {
                int dot = name.indexOf('.', 2);
                name = "h." + target[Integer.parseInt(name.substring(2, dot))] + name.substring(dot);
            }
            float[] src = e.getValue().data();
            System.arraycopy(src, 0, into.get(name).data(), 0, src.length);
        }
        return w;
    }

    private static void gaussian(float[] a, float std, SplittableRandom rnd) {
        for (int i = 0; i < a.length; i++) {
            // Box–Muller; one value per draw keeps it simple and deterministic.
            double u1 = 1.0 - rnd.nextDouble(), u2 = rnd.nextDouble();
            a[i] = (float) (std * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
    }

    /** Every tensor under its Hugging Face name (without the {@code transformer.} prefix), in checkpoint order. */
    public Map<String, Tensor> tensors() {
        int c = config.nEmbd();
        Map<String, Tensor> m = new LinkedHashMap<>();
        put(m, "wte.weight", wte, config.vocabSize(), c);
        put(m, "wpe.weight", wpe, config.nPositions(), c);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            String p = "h." + i + ".";
            put(m, p + "ln_1.weight", l.ln1W, c);
            put(m, p + "ln_1.bias", l.ln1B, c);
            put(m, p + "attn.c_attn.weight", l.attnW, c, 3 * c);
            put(m, p + "attn.c_attn.bias", l.attnB, 3 * c);
            put(m, p + "attn.c_proj.weight", l.attnProjW, c, c);
            put(m, p + "attn.c_proj.bias", l.attnProjB, c);
            put(m, p + "ln_2.weight", l.ln2W, c);
            put(m, p + "ln_2.bias", l.ln2B, c);
            put(m, p + "mlp.c_fc.weight", l.fcW, c, 4 * c);
            put(m, p + "mlp.c_fc.bias", l.fcB, 4 * c);
            put(m, p + "mlp.c_proj.weight", l.fcProjW, 4 * c, c);
            put(m, p + "mlp.c_proj.bias", l.fcProjB, c);
        }
        put(m, "ln_f.weight", lnFW, c);
        put(m, "ln_f.bias", lnFB, c);
        return m;
    }

    private static void put(Map<String, Tensor> m, String name, float[] data, int... shape) {
        m.put(name, new Tensor(name, shape, data));
    }
}
