package miniserve.agent;

import miniserve.agent.Correction.ErrorCount;
import miniserve.agent.Correction.Status;
import miniserve.agent.OutputCheck.Verdict;
import miniserve.model.GenerationResult;
import miniserve.model.Generator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The grammar tutor: corrects learners' sentences with the model, refuses outputs that are not
 * corrections, explains each edit, and keeps each learner's recent error types.
 *
 * <p>A batch of sentences is one batched generation: every row is generated under the
 * generator's stop rule (by default to the same fixed {@code maxTokens}, Lab 02's rule). Not
 * thread-safe (the generator is not): one agent per model thread; the learner history may be
 * shared between agents.
 */
public final class GrammarTutorAgent {

    /** The model's work for a batch, in token slots (see {@link GenerationResult}). */
    public record Work(long computed, long padding, long afterEnd, long useful) {
        static final Work NONE = new Work(0, 0, 0, 0);

        Work plus(GenerationResult r) {
            return new Work(computed + r.tokensComputed(), padding + r.paddingTokens(),
                    afterEnd + r.tokensAfterEnd(), useful + r.usefulTokens());
        }
    }

    /** Corrections in the order of the sentences, and the work they took. */
    public record BatchResult(List<Correction> corrections, Work work) {}

    private final TutorModel model;
    private final Generator generator;
    private final int maxTokens;
    private final LearnerHistory history;

    GrammarTutorAgent(TutorModel model, Generator generator, int maxTokens, LearnerHistory history) {
        this.model = model;
        this.generator = generator;
        this.maxTokens = maxTokens;
        this.history = history;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int maxBatch() {
        return generator.maxBatch();
    }

    /** Corrects one sentence; {@code learnerId} may be null (nothing is remembered then). */
    public Correction correct(String sentence, String learnerId) {
        return run(List.of(sentence), Collections.singletonList(learnerId)).corrections().getFirst();
    }

    /** Corrects sentences as one batched generation (several, if there are more than {@link #maxBatch()}). */
    public List<Correction> correctBatch(List<String> sentences, List<String> learnerIds) {
        return run(sentences, learnerIds).corrections();
    }

    /**
     * {@link #correctBatch}, with the work it took. {@code learnerIds} is null or one entry per
     * sentence (an entry may be null).
     *
     * @throws IllegalArgumentException for a blank sentence, or one too long for the model
     *                                  (see {@link TutorModel#maxSentenceTokens})
     */
    public BatchResult run(List<String> sentences, List<String> learnerIds) {
        if (learnerIds != null && learnerIds.size() != sentences.size())
            throw new IllegalArgumentException(sentences.size() + " sentences but " + learnerIds.size() + " learner ids");
        List<Correction> out = new ArrayList<>(sentences.size());
        Work work = Work.NONE;
        for (int from = 0; from < sentences.size(); from += maxBatch()) {
            int to = Math.min(sentences.size(), from + maxBatch());
            work = work.plus(runChunk(sentences.subList(from, to),
                    learnerIds == null ? null : learnerIds.subList(from, to), out));
        }
        return new BatchResult(out, work);
    }

    private GenerationResult runChunk(List<String> sentences, List<String> learnerIds, List<Correction> out) {
        TutorPrompt prompt = model.prompt();
        int limit = model.maxSentenceTokens(maxTokens);
        List<String> sources = new ArrayList<>(sentences.size());
        List<int[]> prompts = new ArrayList<>(sentences.size());
        for (String s : sentences) {
            String source = s.strip();
            if (source.isEmpty()) throw new IllegalArgumentException("a sentence is blank");
            int[] p = prompt.encode(source);
            if (p.length - prompt.overhead() > limit)
                throw new IllegalArgumentException("a sentence is " + (p.length - prompt.overhead())
                        + " tokens long; the model takes at most " + limit);
            sources.add(source);
            prompts.add(p);
        }
        // Leaning towards the sentence as it is: an edit is made only where the model is clearly
        // surer of it than of copying (see TutorModel#copyBias).
        List<int[]> unchanged = null;
        if (model.copyBias() > 0) {
            unchanged = new ArrayList<>(prompts.size());
            for (int[] p : prompts) unchanged.add(prompt.unchangedAnswer(p));
        }
        GenerationResult result = generator.generate(prompts, maxTokens, prompt.endToken(), unchanged, model.copyBias());
        for (int b = 0; b < sentences.size(); b++) {
            String learnerId = learnerIds == null ? null : learnerIds.get(b);
            String output = prompt.decode(result.outputs().get(b));
            out.add(correction(sentences.get(b), sources.get(b), output, result.ended()[b], learnerId));
        }
        return result;
    }

    // Package-private: tests give it chosen outputs, which a random test model cannot produce.
    Correction correction(String sentence, String source, String output, boolean ended, String learnerId) {
        Verdict verdict = OutputCheck.check(source, output, ended, maxTokens);
        if (!verdict.accepted())
            return new Correction(sentence, sentence, Status.UNCHANGED, verdict.reason(), List.of(), learnerId, recent(learnerId));
        List<Edit> edits = output.equals(source) ? List.of() : model.classifier().edits(source, output);
        if (edits.isEmpty()) // nothing but spacing differs
            return new Correction(sentence, sentence, Status.NO_ERRORS, null, List.of(), learnerId, remember(learnerId, edits));
        return new Correction(sentence, output, Status.CORRECTED, null, edits, learnerId, remember(learnerId, edits));
    }

    private List<ErrorCount> remember(String learnerId, List<Edit> edits) {
        if (learnerId == null) return List.of();
        return history.record(learnerId, edits.stream().map(Edit::type).toList());
    }

    private List<ErrorCount> recent(String learnerId) {
        return learnerId == null ? List.of() : history.mostFrequent(learnerId);
    }

    @Override
    public String toString() {
        return "GrammarTutorAgent[maxBatch=" + maxBatch() + ", maxTokens=" + maxTokens + ", stopRule="
                + generator.stopRule() + "]";
    }
}
