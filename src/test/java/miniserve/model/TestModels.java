package miniserve.model;

import java.util.SplittableRandom;

/** Small random models for tests. */
final class TestModels {
    private TestModels() {}

    /** 2 layers, C = 48, 4 heads (head dim 12), vocabulary 97, 40 positions. */
    static final GptConfig TINY = new GptConfig(97, 40, 48, 2, 4);

    /**
     * Every tensor random, biases and layernorm parameters included (GPT-2's own initialisation
     * leaves those at 0 and 1, which would let a missing bias or gain go unnoticed). The weights
     * are larger than GPT-2's initialisation so that logits spread out and greedy choices are not
     * near-ties.
     */
    /** n token ids drawn uniformly from the vocabulary of {@code vocabSize}. */
    static int[] randomTokens(SplittableRandom rnd, int n, int vocabSize) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rnd.nextInt(vocabSize);
        return t;
    }

    static GptWeights random(GptConfig config, long seed) {
        GptWeights w = new GptWeights(config);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (GptWeights.Tensor t : w.tensors().values()) {
            String n = t.name();
            boolean gain = n.endsWith("ln_1.weight") || n.endsWith("ln_2.weight") || n.equals("ln_f.weight");
            boolean bias = n.endsWith(".bias");
            double std = gain ? 0.2 : bias ? 0.1 : n.startsWith("w") ? 0.5 : 0.15;
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) d[i] = (float) ((gain ? 1.0 : 0.0) + std * rnd.nextGaussian());
        }
        return w;
    }
}
