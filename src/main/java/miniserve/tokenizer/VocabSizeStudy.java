package miniserve.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures what a vocabulary size costs and buys, to choose the tutor's: trains a vocabulary of each
 * size on the training text and encodes held-out sentences with it. A larger vocabulary gives
 * shorter sequences (fewer decode steps per correction) but a larger embedding and LM head (more
 * parameters and more work per step) and more tokens too rare in the training text to learn.
 */
public final class VocabSizeStudy {

    /** Training-text occurrences below which a token counts as rare. */
    public static final int RARE_BELOW = 20;

    private VocabSizeStudy() {}

    /**
     * One vocabulary size.
     *
     * @param vocabSize            tokens, special tokens included
     * @param trainSeconds         wall time of the BPE training
     * @param tokensPerSentence    mean tokens per held-out sentence
     * @param p95TokensPerSentence 95th percentile of tokens per held-out sentence
     * @param tokensPerWord        held-out tokens per whitespace-separated word
     * @param bytesPerToken        held-out UTF-8 bytes per token
     * @param rareShare            share of the learned (merged) tokens occurring fewer than
     *                             {@link #RARE_BELOW} times in the tokenized training text
     */
    public record Row(int vocabSize, double trainSeconds, double tokensPerSentence, int p95TokensPerSentence,
                      double tokensPerWord, double bytesPerToken, double rareShare) {

        /** Embedding (= tied LM head) parameters for width {@code nEmbd}. */
        public long embeddingParams(int nEmbd) {
            return (long) vocabSize * nEmbd;
        }

        /**
         * Multiply-adds of the weight matrices to decode one held-out sentence (the mean token count)
         * with a GPT-2 of {@code nLayer} blocks of width {@code nEmbd}: 12·C² per block per token, plus
         * V·C for the LM head. Attention over the cache is left out (it does not depend on V).
         */
        public double decodeMacsPerSentence(int nEmbd, int nLayer) {
            double perToken = 12.0 * nLayer * nEmbd * nEmbd + (double) vocabSize * nEmbd;
            return tokensPerSentence * perToken;
        }
    }

    public static List<Row> measure(List<String> train, List<String> heldOut, int[] sizes, List<String> specials) {
        List<Row> rows = new ArrayList<>();
        for (int size : sizes) {
            long t0 = System.nanoTime();
            BpeTrainer.Vocabulary v = BpeTrainer.train(train, size, specials);
            double seconds = (System.nanoTime() - t0) / 1e9;
            BpeTokenizer tok = v.tokenizer();

            int[] perSentence = new int[heldOut.size()];
            long tokens = 0, words = 0, bytes = 0;
            for (int i = 0; i < heldOut.size(); i++) {
                String s = heldOut.get(i);
                perSentence[i] = tok.encodeOrdinary(s).length;
                tokens += perSentence[i];
                words += s.isBlank() ? 0 : s.trim().split("\\s+").length;
                bytes += ByteLevel.utf8(s, 0, s.length()).length;
            }
            Arrays.sort(perSentence);
            int p95 = perSentence.length == 0 ? 0 : perSentence[(int) Math.ceil(0.95 * perSentence.length) - 1];

            int[] uses = new int[tok.vocabSize()];
            for (String s : train) for (int id : tok.encodeOrdinary(s)) uses[id]++;
            int rare = 0, learned = 0;
            for (int id = 256; id < uses.length; id++) {
                if (tok.isSpecial(id)) continue;
                learned++;
                if (uses[id] < RARE_BELOW) rare++;
            }

            rows.add(new Row(tok.vocabSize(), seconds, (double) tokens / Math.max(1, heldOut.size()), p95,
                    (double) tokens / Math.max(1, words), (double) bytes / Math.max(1, tokens), (double) rare / Math.max(1, learned)));
        }
        return rows;
    }
}
