package miniserve.model;

/**
 * The shape of a GPT-2 model, as in Hugging Face's {@code config.json}
 * ({@code vocab_size}, {@code n_positions}, {@code n_embd}, {@code n_layer}, {@code n_head},
 * {@code layer_norm_epsilon}).
 */
public record GptConfig(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, float layerNormEps) {

    public GptConfig {
        if (vocabSize <= 0 || nPositions <= 0 || nEmbd <= 0 || nLayer <= 0 || nHead <= 0)
            throw new IllegalArgumentException("every dimension must be positive: " + this);
        if (nEmbd % nHead != 0)
            throw new IllegalArgumentException("n_embd (" + nEmbd + ") must be a multiple of n_head (" + nHead + ")");
    }

    public GptConfig(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        this(vocabSize, nPositions, nEmbd, nLayer, nHead, 1e-5f);
    }

    /** GPT-2 small: 124M parameters. */
    public static GptConfig gpt2Small() {
        return new GptConfig(50257, 1024, 768, 12, 12);
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    /** Number of parameters (the LM head is tied to the token embedding and not counted twice). */
    public long parameterCount() {
        long c = nEmbd;
        long perLayer = 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + 2 * c + (c * 4 * c + 4 * c) + (4 * c * c + c);
        return (long) vocabSize * c + (long) nPositions * c + nLayer * perLayer + 2 * c;
    }
}
