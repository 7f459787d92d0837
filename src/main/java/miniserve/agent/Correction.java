package miniserve.agent;

import java.util.List;
import java.util.function.Predicate;
import com.fasterxml.jackson.annotation.JsonValue;
import miniserve.language.Edit;
import miniserve.language.ErrorType;
import miniserve.language.WordDiff;


/**
 * The tutor's answer for one sentence; serialised as the JSON body of {@code POST /correct}
 * (field names in snake_case; the README's "HTTP API" section documents the schema).
 *
 * @param sentence       the learner's sentence, exactly as received
 * @param corrected      the corrected sentence; equal to {@code sentence} when nothing needed fixing
 *                       or when the model's output was not trusted
 * @param status         what happened (see {@link Status})
 * @param reason         why the model's output was not used ({@link Status#UNCHANGED}; with
 *                       {@link Status#CORRECTED}, the edits are then those of the rules after the model
 *                       alone), or, for a long sentence corrected in pieces, why a piece was left as it is;
 *                       else null
 * @param edits          the word-level corrections with their type and explanation, in sentence order
 * @param learnerId      the learner the request named, or null
 * @param frequentErrors the learner's most frequent error types among their recent corrections
 *                       (this one included), most frequent first; empty without a learner id
 */
public record Correction(String sentence, String corrected, Status status, String reason, List<Edit> edits,
                         String learnerId, List<ErrorCount> frequentErrors) {

    public Correction {
        edits = List.copyOf(edits);
        frequentErrors = List.copyOf(frequentErrors);
    }

    /** This correction with the learner's frequent errors filled in. */
    public Correction withFrequentErrors(List<ErrorCount> frequent) {
        return new Correction(sentence, corrected, status, reason, edits, learnerId, frequent);
    }

    /**
     * This correction without the edits {@code dropped} picks, its corrected sentence made again from the
     * others (none left: the sentence has no errors, or, with a reason, is unchanged: the model's answer was
     * refused and the rules' edits are gone).
     */
    public Correction without(Predicate<Edit> dropped) {
        List<Edit> kept = edits.stream().filter(dropped.negate()).toList();
        if (kept.size() == edits.size()) return this;
        if (kept.isEmpty())
            return new Correction(sentence, sentence, reason == null ? Status.NO_ERRORS : Status.UNCHANGED, reason, kept,
                    learnerId, frequentErrors);
        return new Correction(sentence, WordDiff.apply(sentence.strip(), kept), status, reason, kept, learnerId, frequentErrors);
    }

    public enum Status {
        /** The model found errors; {@code edits} lists them. */
        CORRECTED("corrected"),
        /** The model changed nothing. */
        NO_ERRORS("no_errors"),
        /**
         * The model's output failed validation and the rules after the model found nothing either: the sentence is
         * returned as it was; see {@code reason}.
         */
        UNCHANGED("unchanged");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /** How often a learner made one type of error recently. */
    public record ErrorCount(ErrorType type, String label, int count) {
        public ErrorCount(ErrorType type, int count) {
            this(type, type.label(), count);
        }
    }
}
