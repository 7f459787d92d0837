package miniserve.synth;

import java.util.Objects;
import miniserve.language.ErrorType;

/**
 * The record of one error that {@link SyntheticErrors} put into a sentence, in the same terms as a
 * tutor's {@link miniserve.language.Edit}: the learner-side tokens {@code [start, end)} of
 * {@link TrainingPair#source()} (as {@link miniserve.language.WordDiff#tokenize} splits it) read
 * {@code original}; replacing them by {@code replacement} undoes the error. An inserted word has a
 * non-empty span and an empty replacement; a dropped one an empty span ({@code start == end}) and an
 * empty original.
 *
 * @param type        the kind of error
 * @param start       first token of the span in the source (learner) sentence
 * @param end         one past the last token
 * @param original    the source's text of the span (the error as the learner wrote it)
 * @param replacement the correct text (from the clean sentence)
 */
public record InjectedError(ErrorType type, int start, int end, String original, String replacement) {
    public InjectedError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(replacement, "replacement");
        if (start < 0 || end < start) throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
}
