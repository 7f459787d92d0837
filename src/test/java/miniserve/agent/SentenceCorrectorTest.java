package miniserve.agent;

import miniserve.agent.Correction.Status;
import miniserve.language.Edit;
import miniserve.language.ErrorType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a model's answer becomes: only the edits the tutor can name are made. */
class SentenceCorrectorTest {

    @TempDir
    static Path dir;
    static SentenceCorrector corrector;

    @BeforeAll
    static void load() throws IOException {
        TinyTutorCheckpoint.write(dir, 3);
        corrector = new SentenceCorrector(TutorModel.load(dir), 32);
    }

    @Test
    void aCorrectionKeepsTheNamedEditsAndLeavesTheDriftOut() {
        String learner = "yesterday she go to Mountain View with 2 friend";
        Correction c = corrector.correction(learner, learner, "Yesterday she went to Mountain Visions with 2 friends.", true, "anna");
        assertThat(c.status()).isEqualTo(Status.CORRECTED);
        assertThat(c.corrected()).isEqualTo("Yesterday she went to Mountain View with 2 friends.");
        assertThat(c.edits()).extracting(Edit::type)
                .doesNotContain(ErrorType.OTHER)
                .contains(ErrorType.CAPITALIZATION, ErrorType.NOUN_NUMBER);
        assertThat(c.edits()).extracting(Edit::original).doesNotContain("View");
    }

    @Test
    void theSpellingStageCorrectsTheTyposTheModelLeftAndNothingElse() {
        String learner = "I recieved your lettter from Anna yesterday.";
        Correction c = corrector.correction(learner, learner, learner, true, "anna");
        assertThat(c.status()).isEqualTo(Status.CORRECTED);
        assertThat(c.corrected()).isEqualTo("I received your letter from Anna yesterday.");
        assertThat(c.edits()).extracting(Edit::type).containsExactly(ErrorType.SPELLING, ErrorType.SPELLING);
        assertThat(c.edits()).extracting(Edit::replacement).containsExactly("received", "letter");
        // with the model's own edit beside it
        Correction both = corrector.correction("She go to the libary.", "She go to the libary.", "She goes to the libary.", true, null);
        assertThat(both.corrected()).isEqualTo("She goes to the library.");
        assertThat(both.edits()).extracting(Edit::type).containsExactly(ErrorType.AGREEMENT, ErrorType.SPELLING);
    }

    @Test
    void aTypoTheModelTurnedIntoAnUnrelatedWordIsTheSpellingStagesAgain() {
        // "wufe" -> "life" is no edit the tutor can name, so it is dropped; the spelling stage then reads "wufe"
        Correction c = corrector.correction("My wufe is here.", "My wufe is here.", "My life is here.", true, null);
        assertThat(c.corrected()).isEqualTo("My wife is here.");
        assertThat(c.edits()).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo(ErrorType.SPELLING));
    }

    @Test
    void aRefusedAnswerLeavesTheLearnersSentenceToTheStagesAfterTheModel() {
        // the model's answer is not used; the stages' fixes of the learner's own sentence are made, with the reason
        String learner = "I recieved your lettter from Anna yesterday.";
        Correction refused = corrector.correction(learner, learner, "I recieved your lettter from Anna yesterday and", false, null);
        assertThat(refused.status()).isEqualTo(Status.CORRECTED);
        assertThat(refused.corrected()).isEqualTo("I received your letter from Anna yesterday.");
        assertThat(refused.edits()).extracting(Edit::type).containsExactly(ErrorType.SPELLING, ErrorType.SPELLING);
        assertThat(refused.reason()).contains("did not finish");
        Correction drifted = corrector.correction("She go to school yesterday.", "She go to school yesterday.",
                "She went to the zqxv yesterday.", true, null);
        assertThat(drifted.corrected()).isEqualTo("She went to school yesterday.");
        assertThat(drifted.edits()).extracting(Edit::type).containsExactly(ErrorType.TENSE);
        assertThat(drifted.reason()).contains("zqxv");
        // nothing for the stages either: the sentence comes back as it was
        String fine = "We drove to Mountain View.";
        Correction unchanged = corrector.correction(fine, fine, "", true, null);
        assertThat(unchanged.status()).isEqualTo(Status.UNCHANGED);
        assertThat(unchanged.corrected()).isEqualTo(fine);
        assertThat(unchanged.edits()).isEmpty();
        assertThat(unchanged.reason()).contains("empty");
        // and the rules' edits dropped again (a piece continuing its sentence loses its capital): unchanged, not correct
        Correction capital = corrector.correction("and we went home.", "and we went home.", "", true, null);
        assertThat(capital.status()).isEqualTo(Status.CORRECTED);
        assertThat(capital.without(e -> e.type() == ErrorType.CAPITALIZATION).status()).isEqualTo(Status.UNCHANGED);
        assertThat(corrector.correction("and we went home.", "and we went home.", "and we went home.", true, null)
                .without(e -> e.type() == ErrorType.CAPITALIZATION).status()).isEqualTo(Status.NO_ERRORS);
    }

    @Test
    void anAnswerWithNothingNamedLeavesTheSentenceAsItIs() {
        String learner = "We drove to Mountain View.";
        Correction c = corrector.correction(learner, learner, "We drove to Mountain Visions.", true, "anna");
        assertThat(c.status()).isEqualTo(Status.NO_ERRORS);
        assertThat(c.corrected()).isEqualTo(learner);
        assertThat(c.edits()).isEmpty();
        Correction whole = corrector.correction(learner, learner, "We drove to Mountain View!", true, "anna");
        assertThat(whole.status()).as("a named edit alone is made as the model wrote it").isEqualTo(Status.CORRECTED);
        assertThat(whole.corrected()).isEqualTo("We drove to Mountain View!");
    }

    @Test
    void aFullStopAfterTheLearnersCommaIsNotMade() {
        String clause = "and we was very happy because we had not seen them for three years,";
        Correction c = corrector.correction(clause, clause, "and we were very happy because we had not seen them for three years,.", true, null);
        assertThat(c.status()).isEqualTo(Status.CORRECTED);
        // the capital is the sentence-start stage's; TextRows takes it back from a piece cut after a comma
        assertThat(c.corrected()).isEqualTo("And we were very happy because we had not seen them for three years,");
        assertThat(c.edits()).extracting(Edit::type).containsExactly(ErrorType.CAPITALIZATION, ErrorType.AGREEMENT);
        Correction whole = corrector.correction("We was happy", "We was happy", "We were happy.", true, null);
        assertThat(whole.corrected()).as("a full stop at a sentence's end is made").isEqualTo("We were happy.");
    }
}
