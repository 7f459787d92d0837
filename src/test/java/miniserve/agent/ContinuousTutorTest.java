package miniserve.agent;

import miniserve.agent.Correction.Status;
import miniserve.kernels.ComputePool;
import miniserve.model.Generator.StopRule;
import miniserve.model.Step;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tutor on a running batch answers each sentence as the static agent answers it alone. */
class ContinuousTutorTest {

    private static final int MAX_TOKENS = 12;
    private static final List<String> SENTENCES = List.of(
            "She go to school yesterday.", "I has two cat.", "Where you are going?",
            "He don't like apples.", "They was happy.", "Me and him goes.", "A cat.");

    @TempDir
    static Path weights;
    static TutorModel model;

    @BeforeAll
    static void load() throws IOException {
        TinyTutorCheckpoint.write(weights, 7);
        model = TutorModel.load(weights);
    }

    /** Sentences join three rows one per pass while others are mid-answer; each leaves when complete. */
    private static List<Correction> continuously(TutorModel m, int maxTokens) {
        ContinuousTutor tutor = m.newContinuousTutor(ComputePool.serial(), 3, maxTokens);
        Correction[] out = new Correction[SENTENCES.size()];
        int[] inRow = {-1, -1, -1};
        int next = 0, joinedMidAnswer = 0;
        while (next < SENTENCES.size() || inRow[0] >= 0 || inRow[1] >= 0 || inRow[2] >= 0) {
            boolean admitted = false;
            for (int row = 0; row < 3; row++) {
                if (inRow[row] >= 0 && tutor.complete(row)) {
                    out[inRow[row]] = tutor.finish(row);
                    inRow[row] = -1;
                }
                if (inRow[row] < 0 && next < SENTENCES.size() && !admitted) {
                    assertThat(tutor.start(row, SENTENCES.get(next), null)).isEqualTo(tutor.promptTokens(SENTENCES.get(next)));
                    inRow[row] = next++;
                    admitted = true;
                }
            }
            Step step = tutor.step();
            if (step != null && step.hasPrefill() && step.usefulRows() > 1) joinedMidAnswer++;
        }
        assertThat(joinedMidAnswer).as("passes where a sentence joined others mid-answer").isPositive();
        return List.of(out);
    }

    private static List<Correction> aloneStatically(TutorModel m, int maxTokens) {
        GrammarTutorAgent single = m.newAgent(ComputePool.serial(), 1, maxTokens, StopRule.ALL_ENDED);
        List<Correction> out = new ArrayList<>();
        for (String s : SENTENCES) out.add(single.correct(s, null));
        return out;
    }

    @Test
    void eachSentenceGetsTheCorrectionItGetsAloneInAStaticBatch() {
        assertThat(continuously(model, MAX_TOKENS)).isEqualTo(aloneStatically(model, MAX_TOKENS));
    }

    /**
     * The copy bias applies in the running batch too: overwhelming, it copies every sentence, and the tutor
     * returns what the stages after the model make of it.
     */
    @Test
    void theCopyBiasAppliesInTheRunningBatch() {
        TutorModel copying = model.withCopyBias(1e9f);
        int longest = SENTENCES.stream().mapToInt(model::sentenceTokens).max().orElseThrow();
        List<Correction> out = continuously(copying, longest + 1);
        assertThat(out).allSatisfy(c -> assertThat(c.corrected()).as(c.sentence()).isEqualTo(SentenceCorrector.afterTheModel(c.sentence())));
        assertThat(out).as("the stages leave some of them").anyMatch(c -> c.status() == Status.NO_ERRORS);
        assertThat(out).isEqualTo(aloneStatically(copying, longest + 1));
    }

    @Test
    void aBadSentenceIsRefusedAndLeavesItsRowFree() {
        ContinuousTutor tutor = model.newContinuousTutor(ComputePool.serial(), 2, MAX_TOKENS);
        assertThatThrownBy(() -> tutor.start(0, "   ", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> tutor.start(0, "word ".repeat(200), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens long");
        tutor.start(0, "He go.", "lea");
        assertThatThrownBy(() -> tutor.start(0, "He go.", null)).hasMessageContaining("busy");
        assertThatThrownBy(() -> tutor.finish(1)).isInstanceOf(IllegalStateException.class);
        while (!tutor.complete(0)) tutor.step();
        assertThat(tutor.finish(0).learnerId()).isEqualTo("lea");
        tutor.start(0, "She go.", null); // the row is free again
    }
}
