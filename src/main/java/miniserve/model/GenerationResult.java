package miniserve.model;

import java.util.List;

/**
 * The outcome of generating a batch, and the work it took.
 *
 * <p>Work is counted in token slots pushed through the model (one row at one position):
 * <pre>
 * tokensComputed = B·T (prefill, padding included) + B·decodeSteps
 *                = usefulTokens + paddingTokens + tokensAfterEnd
 * </pre>
 * {@code paddingTokens} are the prefill's pad slots; {@code tokensAfterEnd} are decode slots a
 * row computed after it had produced its end token (its output there is discarded).
 *
 * @param outputs        per row, the generated tokens up to (excluding) the first end token
 * @param ended          per row, whether it produced the end token
 * @param generatedSteps tokens generated per row, end token and anything after it included
 *                       (one from the prefill, one per decode step)
 */
public record GenerationResult(List<int[]> outputs, boolean[] ended, int generatedSteps,
                               long tokensComputed, long paddingTokens, long tokensAfterEnd) {

    /** Slots that contributed to some row's output: real prompt tokens and generated tokens before the end. */
    public long usefulTokens() {
        return tokensComputed - paddingTokens - tokensAfterEnd;
    }

    public int rows() {
        return outputs.size();
    }
}
