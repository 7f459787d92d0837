package miniserve.agent;

import miniserve.agent.SentenceCorrector.Prompted;
import miniserve.model.GenerationResult;
import miniserve.model.Generator;
import miniserve.model.StepHook;
import miniserve.model.Step;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The grammar tutor on static batches: corrects learners' sentences with the model, refuses outputs
 * that are not corrections, and explains each edit (the learner's history is the server's).
 *
 * <p>A batch of sentences is one batched generation: every row is generated under the
 * generator's stop rule (by default to the same fixed {@code maxTokens}, Lab 02's rule). Not
 * thread-safe (the generator is not): one agent per model thread. {@link ContinuousTutor} is the
 * same tutor on a running batch.
 */
public final class GrammarTutorAgent {

    private final SentenceCorrector corrector;
    private final Generator generator;

    GrammarTutorAgent(TutorModel model, Generator generator, int maxTokens) {
        this.corrector = new SentenceCorrector(model, maxTokens);
        this.generator = generator;
    }

    public int maxTokens() {
        return corrector.maxTokens();
    }

    public int maxBatch() {
        return generator.maxBatch();
    }

    /** Corrects one sentence; {@code learnerId} (may be null) is carried into the correction. */
    public Correction correct(String sentence, String learnerId) {
        return correctBatch(List.of(sentence), Collections.singletonList(learnerId)).getFirst();
    }

    /** Corrects sentences as one batched generation (several, if there are more than {@link #maxBatch()}). */
    public List<Correction> correctBatch(List<String> sentences, List<String> learnerIds) {
        return correctBatch(sentences, learnerIds, StepHook.NONE);
    }

    /**
     * {@link #correctBatch(List, List)} watched pass by pass by {@code hook}, whose row b is sentence b.
     * {@code learnerIds} is null or one entry per sentence (an entry may be null).
     *
     * @throws IllegalArgumentException for a blank sentence, or one too long for the model
     *                                  (see {@link TutorModel#maxSentenceTokens})
     */
    public List<Correction> correctBatch(List<String> sentences, List<String> learnerIds, StepHook hook) {
        if (learnerIds != null && learnerIds.size() != sentences.size())
            throw new IllegalArgumentException(sentences.size() + " sentences but " + learnerIds.size() + " learner ids");
        List<Prompted> prompted = new ArrayList<>(sentences.size());
        for (int i = 0; i < sentences.size(); i++)
            prompted.add(corrector.prompt(sentences.get(i), learnerIds == null ? null : learnerIds.get(i)));
        List<Correction> out = new ArrayList<>(sentences.size());
        for (int from = 0; from < sentences.size(); from += maxBatch()) {
            int to = Math.min(sentences.size(), from + maxBatch());
            runChunk(prompted.subList(from, to), shifted(hook, from), out);
        }
        return out;
    }

    private void runChunk(List<Prompted> chunk, StepHook hook, List<Correction> out) {
        List<int[]> prompts = new ArrayList<>(chunk.size());
        List<int[]> preferred = corrector.bias() > 0 ? new ArrayList<>(chunk.size()) : null;
        for (Prompted p : chunk) {
            prompts.add(p.prompt());
            if (preferred != null) preferred.add(p.preferred());
        }
        GenerationResult result = generator.generate(prompts, maxTokens(), corrector.endToken(), preferred, corrector.bias(), hook);
        for (int b = 0; b < chunk.size(); b++)
            out.add(corrector.correct(chunk.get(b), result.outputs().get(b), result.ended()[b]));
    }

    /** The hook as a chunk starting at sentence {@code from} sees it: its row b is the hook's row from + b. */
    private static StepHook shifted(StepHook hook, int from) {
        if (from == 0) return hook;
        return new StepHook() {
            @Override
            public boolean wanted(int row) {
                return hook.wanted(from + row);
            }

            @Override
            public void stepDone(Step step) {
                hook.stepDone(step);
            }
        };
    }

    // Package-private: tests give it chosen outputs, which a random test model cannot produce.
    Correction correction(String sentence, String source, String output, boolean ended, String learnerId) {
        return corrector.correction(sentence, source, output, ended, learnerId);
    }

    @Override
    public String toString() {
        return "GrammarTutorAgent[maxBatch=" + maxBatch() + ", maxTokens=" + maxTokens() + ", stopRule="
                + generator.stopRule() + "]";
    }
}
