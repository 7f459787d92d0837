package miniserve.model;

import miniserve.kernels.Elementwise;

/**
 * How one row picks its next token: greedy, leaning towards a preferred answer. While the row's
 * output so far is a prefix of the preferred answer, the preferred next token wins unless another
 * token's logit beats it by more than {@code bias}, that is unless the model finds the other token
 * more than e^bias times as likely. Once the row leaves its preferred answer it decodes greedily.
 * With bias 0 (or no preferred answer) this is plain greedy decoding.
 *
 * <p>Static and continuous batching both decode with it, so a request gets the same rule whichever
 * way it is batched. One instance per row of one generation.
 */
public final class PreferredGreedy {

    private final int[] preferred;
    private final float bias;
    private int matched; // tokens of the preferred answer the output has followed so far; -1 once it left

    /**
     * @param preferred the preferred answer's tokens, or null for plain greedy decoding
     * @param bias      a log-probability margin, 0 or more
     */
    public PreferredGreedy(int[] preferred, float bias) {
        if (!(bias >= 0)) throw new IllegalArgumentException("bias must be >= 0, got " + bias);
        this.preferred = preferred;
        this.bias = bias;
        this.matched = preferred == null || bias == 0 ? -1 : 0;
    }

    /** The next token from the logits {@code logits[offset .. offset + vocab)}. */
    public int next(float[] logits, int offset, int vocab) {
        int tok = Elementwise.argmax(logits, offset, vocab);
        if (matched < 0) return tok;
        int want = matched < preferred.length ? preferred[matched] : -1;
        if (want >= 0 && want < vocab && logits[offset + want] + bias >= logits[offset + tok]) tok = want;
        matched = tok == want ? matched + 1 : -1;
        return tok;
    }
}
