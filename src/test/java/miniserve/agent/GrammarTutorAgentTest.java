package miniserve.agent;

import miniserve.agent.Correction.ErrorCount;
import miniserve.agent.Correction.Status;
import miniserve.kernels.ComputePool;
import miniserve.language.ErrorType;
import miniserve.model.Generator.StopRule;
import miniserve.model.Step;
import miniserve.model.StepHook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrammarTutorAgentTest {

    private static final int MAX_TOKENS = 12;
    private static final List<String> SENTENCES = List.of(
            "She go to school yesterday.", "I has two cat.", "Me and him went home.",
            "He don't like apples.", "They was happy.");

    @TempDir
    static Path weights;
    static TutorModel model;

    @BeforeAll
    static void load() throws IOException {
        TinyTutorCheckpoint.write(weights, 7);
        model = TutorModel.load(weights);
    }

    private static GrammarTutorAgent agent(int maxBatch) {
        return model.newAgent(ComputePool.serial(), maxBatch, MAX_TOKENS, StopRule.FIXED);
    }

    @Test
    void everyAnswerBelongsToItsSentenceAndAnUntrustedOutputLeavesTheSentenceAsItWas() {
        List<Correction> out = agent(8).correctBatch(SENTENCES, List.of("a", "b", "c", "d", "e"));
        assertThat(out).hasSize(SENTENCES.size());
        for (int i = 0; i < SENTENCES.size(); i++) {
            Correction c = out.get(i);
            assertThat(c.sentence()).isEqualTo(SENTENCES.get(i));
            assertThat(c.learnerId()).isEqualTo(List.of("a", "b", "c", "d", "e").get(i));
            // A random model's answers are all refused: what comes back is what the stages after the model make of
            // the learner's own sentence, with the refusal as the reason.
            assertThat(c.reason()).as(c.sentence()).isNotBlank();
            String staged = SentenceCorrector.afterTheModel(c.sentence());
            assertThat(c.corrected()).as(c.sentence()).isEqualTo(staged);
            assertThat(c.status()).as(c.sentence()).isEqualTo(staged.equals(c.sentence()) ? Status.UNCHANGED : Status.CORRECTED);
            if (c.status() == Status.UNCHANGED) assertThat(c.edits()).isEmpty();
        }
        assertThat(out.getFirst().corrected()).isEqualTo("She went to school yesterday."); // the tense stage's
        assertThat(out.get(2).status()).as("no stage corrects a pronoun").isEqualTo(Status.UNCHANGED);
    }

    /**
     * An overwhelming copy bias makes even a random model answer every sentence with itself: what the tutor
     * returns is what the stages after the model make of the sentence ("She go to school yesterday." gets
     * "went" from the tense stage), and a sentence they leave is called correct.
     */
    @Test
    void anOverwhelmingCopyBiasLeavesEverySentenceAsItIs() {
        assertThat(model.copyBias()).isZero(); // the test checkpoint has no generation_config.json
        int longest = SENTENCES.stream().mapToInt(model::sentenceTokens).max().orElseThrow();
        GrammarTutorAgent agent = model.withCopyBias(1e9f) // room for the longest answer and its end token
                .newAgent(ComputePool.serial(), 8, longest + 1, StopRule.FIXED);
        List<Correction> out = agent.correctBatch(SENTENCES, null);
        for (Correction c : out) {
            String staged = SentenceCorrector.afterTheModel(c.sentence());
            assertThat(c.corrected()).as(c.sentence()).isEqualTo(staged);
            assertThat(c.status()).as(c.sentence()).isEqualTo(staged.equals(c.sentence()) ? Status.NO_ERRORS : Status.CORRECTED);
        }
        assertThat(out).as("the stages leave one of them").anyMatch(c -> c.status() == Status.NO_ERRORS);
    }

    @Test
    void theCopyBiasIsReadFromTheGenerationConfigAndABadOneIsRefused(@TempDir Path dir) throws IOException {
        TinyTutorCheckpoint.write(dir, 7);
        Files.writeString(dir.resolve(TutorModel.GENERATION_FILE), "{\"copy_bias\": 2.5}");
        assertThat(TutorModel.load(dir).copyBias()).isEqualTo(2.5f);
        Files.writeString(dir.resolve(TutorModel.GENERATION_FILE), "{\"copy_bias\": -1}");
        assertThatThrownBy(() -> TutorModel.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(TutorModel.GENERATION_FILE).hasMessageContaining("copy_bias");
    }

    @Test
    void aSentenceGetsTheSameAnswerAloneAsInABatch() {
        GrammarTutorAgent batched = agent(8), single = agent(1);
        List<Correction> together = batched.correctBatch(SENTENCES, null);
        for (int i = 0; i < SENTENCES.size(); i++)
            assertThat(single.correct(SENTENCES.get(i), null)).isEqualTo(together.get(i));
    }

    @Test
    void moreSentencesThanTheBatchHoldsRunAsSeveralBatchesInOrder() {
        List<Correction> out = agent(2).correctBatch(SENTENCES, null);
        assertThat(out.stream().map(Correction::sentence).toList()).isEqualTo(SENTENCES);
        assertThat(out).isEqualTo(agent(8).correctBatch(SENTENCES, null));
    }

    /** Every pass of a fixed-length batch is reported, with its prompts, padding and idle rows. */
    @Test
    void everyPassOfAFixedLengthBatchIsReportedToTheHook() {
        List<Step> steps = new ArrayList<>();
        agent(8).correctBatch(SENTENCES, null, StepHook.observing(steps::add));
        int[] lengths = SENTENCES.stream().mapToInt(s -> model.sentenceTokens(s) + 1).toArray();
        int longest = Arrays.stream(lengths).max().orElseThrow();
        int padding = Arrays.stream(lengths).map(l -> longest - l).sum();
        int rows = SENTENCES.size();
        assertThat(steps).hasSize(MAX_TOKENS); // the prefill, then max_tokens - 1 decode passes
        assertThat(steps.stream().mapToLong(Step::tokensComputed).sum()).isEqualTo((long) rows * longest + (long) rows * (MAX_TOKENS - 1));
        assertThat(steps.getFirst().padding()).containsExactly(Arrays.copyOf(
                Arrays.stream(lengths).map(l -> longest - l).toArray(), 8));
        assertThat(Arrays.stream(steps.getFirst().padding()).sum()).isEqualTo(padding);
        for (Step s : steps) {
            assertThat(s.rows()).isEqualTo(8);
            for (int b = rows; b < 8; b++) assertThat(s.kinds()[b]).isEqualTo(Step.IDLE);
        }
    }

    /** A row the hook no longer wants stops producing output, and a batch no row is wanted of stops. */
    @Test
    void aBatchStopsOnceNoRowIsWanted() {
        List<Step> steps = new ArrayList<>();
        agent(8).correctBatch(SENTENCES, null, new StepHook() {
            @Override
            public boolean wanted(int row) {
                return steps.size() < 3; // every row is dropped after the third pass
            }

            @Override
            public void stepDone(Step step) {
                steps.add(step);
            }
        });
        assertThat(steps).hasSize(3);
    }

    @Test
    void aTrustedOutputBecomesTypedExplainedEditsAndTheHistoryIsLeftToTheServer() {
        GrammarTutorAgent agent = agent(1);
        String s = "She go to school yesterday.";
        Correction c = agent.correction(s, s, "She went to school yesterday.", true, "lea");
        assertThat(c.status()).isEqualTo(Status.CORRECTED);
        assertThat(c.corrected()).isEqualTo("She went to school yesterday.");
        assertThat(c.learnerId()).isEqualTo("lea");
        assertThat(c.edits()).singleElement().satisfies(e -> {
            assertThat(e.original()).isEqualTo("go");
            assertThat(e.replacement()).isEqualTo("went");
            assertThat(e.start()).isEqualTo(1);
            assertThat(e.end()).isEqualTo(2);
            assertThat(e.explanation()).isNotBlank();
        });
        // The server records a correction once it has been answered, and fills these in then.
        assertThat(c.frequentErrors()).isEmpty();
        ErrorCount tense = new ErrorCount(c.edits().getFirst().type(), 1);
        assertThat(c.withFrequentErrors(List.of(tense))).isEqualTo(new Correction(c.sentence(), c.corrected(), c.status(),
                c.reason(), c.edits(), c.learnerId(), List.of(tense)));

        Correction fine = agent.correction("He is here.", "He is here.", "He is here.", true, "lea");
        assertThat(fine.status()).isEqualTo(Status.NO_ERRORS);
        assertThat(fine.edits()).isEmpty();

        Correction refused = agent.correction("He went home.", "He went home.", "He goes home", false, "lea");
        assertThat(refused.status()).isEqualTo(Status.UNCHANGED);
        assertThat(refused.corrected()).isEqualTo("He went home.");
        assertThat(refused.reason()).contains("did not finish");
        assertThat(refused.edits()).isEmpty();
        Correction byStages = agent.correction("He go home.", "He go home.", "He goes home", false, "lea");
        assertThat(byStages.status()).isEqualTo(Status.CORRECTED);
        assertThat(byStages.corrected()).isEqualTo("He goes home.");
        assertThat(byStages.reason()).contains("did not finish");
    }

    @Test
    void spacingAroundTheSentenceIsNotAnError() {
        Correction c = agent(1).correction("  He is here. ", "He is here.", "He is here.", true, null);
        assertThat(c.status()).isEqualTo(Status.NO_ERRORS);
        assertThat(c.corrected()).isEqualTo("  He is here. ");
    }

    @Test
    void blankAndOverlongSentencesAreRefused() {
        GrammarTutorAgent agent = agent(2);
        assertThatThrownBy(() -> agent.correct("  ", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        int limit = model.maxSentenceTokens(MAX_TOKENS);
        assertThat(limit).isEqualTo(TinyTutorCheckpoint.N_POSITIONS - MAX_TOKENS - 1);
        String longest = "a".repeat(limit), tooLong = "a".repeat(limit + 1); // one token per byte
        assertThat(model.sentenceTokens(longest)).isEqualTo(limit);
        assertThat(agent.correct(longest, null).sentence()).isEqualTo(longest);
        assertThatThrownBy(() -> agent.correct(tooLong, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + limit);
    }

    @Test
    void aSentenceIsAnsweredWithinMaxTokensOnlyIfItLeavesRoomForTheEndTokenAndAFewAddedWords() {
        assertThat(model.maxAnsweredTokens(64)).isEqualTo(64 - 1 - TutorModel.ANSWER_GROWTH_TOKENS);
        assertThat(model.maxAnsweredTokens(3)).as("never below one token").isEqualTo(1);
    }

    @Test
    void missingWeightsFailWithAMessageThatSaysWhatToDo(@TempDir Path empty) throws IOException {
        assertThatThrownBy(() -> TutorModel.load(empty.resolve("nowhere"))).isInstanceOf(IOException.class)
                .hasMessageContaining("not found").hasMessageContaining("--weights");
        Path partial = Files.createDirectories(empty.resolve("partial"));
        Files.copy(weights.resolve("config.json"), partial.resolve("config.json"));
        assertThatThrownBy(() -> TutorModel.load(partial)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("vocab.json").hasMessageContaining("merges.txt")
                .hasMessageContaining("prompt_format.json");
    }

    @Test
    void learnerIdsMustMatchTheSentences() {
        List<String> ids = new ArrayList<>(List.of("x"));
        assertThatThrownBy(() -> agent(2).correctBatch(SENTENCES, ids)).isInstanceOf(IllegalArgumentException.class);
    }
}
