package miniserve.agent;

import miniserve.tokenizer.BpeTokenizer;
import miniserve.tokenizer.PromptFormat;

import java.util.Arrays;

/**
 * The tutor model's prompt and answer in token ids, as {@link PromptFormat} lays them out: the
 * learner's sentence as plain text (a learner who types {@code <|endoftext|>} gets those
 * characters, not the special token), then the separator; the model answers with the corrected
 * sentence and the end token.
 */
final class TutorPrompt {

    private final BpeTokenizer tokenizer;
    private final PromptFormat format;
    private final int separatorId;
    private final int endId;
    private final int overhead;

    /** @throws IllegalArgumentException if the vocabulary lacks the format's special tokens */
    TutorPrompt(BpeTokenizer tokenizer, PromptFormat format) {
        this.tokenizer = tokenizer;
        this.format = format;
        this.separatorId = format.separatorId(tokenizer); // fails now, not on the first request, if the token is missing
        this.endId = format.endId(tokenizer);
        this.overhead = format.promptIds(tokenizer, "").length;
    }

    /** The prompt for one sentence. */
    int[] encode(String sentence) {
        return format.promptIds(tokenizer, sentence);
    }

    /**
     * The answer that leaves a prompt's sentence as it is: the sentence's tokens (the prompt
     * without its closing {@link #overhead} tokens), then the end token.
     */
    int[] unchangedAnswer(int[] prompt) {
        int sentence = prompt.length - overhead;
        int[] answer = Arrays.copyOf(prompt, sentence + 1);
        answer[sentence] = endId;
        return answer;
    }

    /** Tokens of the sentence alone. */
    int sentenceTokens(String sentence) {
        return tokenizer.encodeOrdinary(sentence).length;
    }

    /** Prompt tokens beyond the sentence's own. */
    int overhead() {
        return overhead;
    }

    int endToken() {
        return endId;
    }

    /**
     * The model's answer as text, without surrounding whitespace. An id beyond the tokenizer's
     * vocabulary (a model's embedding table may be padded past it) reads as U+FFFD, which the
     * output check refuses; so does the separator, which belongs to the prompt and never to an
     * answer (decoded as text it would show the learner "<|sep|>").
     */
    String decode(int[] output) {
        int known = tokenizer.vocabSize();
        StringBuilder text = new StringBuilder();
        int from = 0;
        for (int i = 0; i <= output.length; i++) {
            if (i < output.length && output[i] < known && output[i] != separatorId) continue;
            text.append(tokenizer.decode(output, from, i));
            if (i < output.length) text.append('\uFFFD');
            from = i + 1;
        }
        return text.toString().strip();
    }
}
