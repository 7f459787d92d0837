package miniserve.model;

/**
 * One training example as token ids: {@code source <|sep|> target <|endoftext|>}.
 * The model reads {@code tokens[0 .. n-2]} and learns to predict {@code tokens[i]} from the
 * tokens before it, but only for {@code i >= firstLossTarget} (the corrected sentence and its
 * end token): the source is context, not something to learn to write.
 */
public record TrainingSequence(int[] tokens, int firstLossTarget) {

    public TrainingSequence {
        if (tokens.length < 2)
            throw new IllegalArgumentException("a training sequence needs at least 2 tokens, got " + tokens.length);
        if (firstLossTarget < 1 || firstLossTarget >= tokens.length)
            throw new IllegalArgumentException("firstLossTarget " + firstLossTarget + " outside 1.." + (tokens.length - 1));
    }

    /** Positions the model reads (the last token is only ever a target). */
    public int inputLength() {
        return tokens.length - 1;
    }

    /** Number of tokens the loss is taken on. */
    public int lossTokens() {
        return tokens.length - firstLossTarget;
    }
}
