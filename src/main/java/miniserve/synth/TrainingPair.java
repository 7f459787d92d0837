package miniserve.synth;

import java.util.List;
import java.util.Objects;

/**
 * A learner-like sentence and its correction, with the errors that separate them.
 *
 * @param source the sentence with errors (what a learner would write); equal to the target when
 *               {@code errors} is empty
 * @param target the correct sentence
 * @param errors what was injected, in order of position, spans in the source's tokens
 */
public record TrainingPair(String source, String target, List<InjectedError> errors) {
    public TrainingPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        errors = List.copyOf(errors);
    }

    /** True when the source needs no correction. */
    public boolean unchanged() {
        return errors.isEmpty();
    }
}
