package miniserve.language;

import java.util.Objects;

/**
 * One correction inside a sentence: the learner's words {@code [start, end)} (word/punctuation
 * token indices in the learner's sentence, as {@link WordDiff#tokenize} splits it) are replaced by
 * {@code replacement}. An insertion has {@code start == end} and an empty {@code original}; a
 * deletion has an empty {@code replacement}.
 *
 * @param start       first token of the span in the learner's sentence
 * @param end         one past the last token of the span
 * @param original    the learner's text of the span ("" for an insertion)
 * @param replacement the corrected text ("" for a deletion)
 * @param type        the kind of error
 * @param explanation one sentence for the learner
 */
public record Edit(int start, int end, String original, String replacement, ErrorType type, String explanation) {
    public Edit {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(replacement, "replacement");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(explanation, "explanation");
    }
}
