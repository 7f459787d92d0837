package miniserve.agent;

import miniserve.agent.Correction.Status;
import miniserve.agent.OutputCheck.Verdict;
import miniserve.language.Edit;
import miniserve.language.ArticleCorrector;
import miniserve.language.Capitals;
import miniserve.language.Collocation;
import miniserve.language.AgreementCorrector;
import miniserve.language.VerbFormCorrector;
import miniserve.language.VerbPreposition;
import miniserve.language.Comparison;
import miniserve.language.EditClassifier;
import miniserve.language.IndefiniteArticle;
import miniserve.language.Lexicon;
import miniserve.language.NounNumber;
import miniserve.language.PronounCase;
import miniserve.language.TenseCorrector;
import miniserve.language.QuestionOrder;
import miniserve.language.SentenceStart;
import miniserve.language.SpellingCorrector;
import miniserve.language.TimePreposition;
import miniserve.language.WordDiff;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One sentence's way through the tutor, whichever batching runs its generation: its prompt and the
 * answer to lean towards before, its checked, diffed and explained correction after. Shared by the
 * static batches of {@link GrammarTutorAgent} and the running batch of {@link ContinuousTutor}.
 * Its corrections leave {@code frequentErrors} empty: the learner's history is the server's, which
 * records a correction only once it is answered.
 */
final class SentenceCorrector {

    /**
     * A sentence ready for generation.
     *
     * @param source    the sentence as the model sees it (stripped)
     * @param prompt    its prompt's token ids
     * @param preferred the answer that leaves it unchanged, when the model leans towards it (copy bias), else null
     */
    record Prompted(String sentence, String source, String learnerId, int[] prompt, int[] preferred) {}

    /**
     * The stages after the model, in order, where a rule is surer than it: the typos it left, then the present verbs
     * of a clause with a finished time ("Yesterday I eat"), then a verb's person after a subject pronoun ("She
     * watch"), then the form an auxiliary asks of its verb ("can plays", "Did she finished", "has appear"), then the
     * prepositions of time ("in Monday", "since two years") and those verbs and adjectives take ("depend of",
     * "listen music", "discuss about"), then comparison ("more taller", "in most recent version"), then a noun's
     * number after its determiner ("three book", "a books"), then a question's order ("Where we do vote?"), then
     * "a"/"an" by the next word's sound, which a corrected typo may change ("a aple" -> "an apple"), then the
     * capital a sentence starts with (a piece cut from a longer sentence loses it again in TextRows).
     */
    private static final List<UnaryOperator<String>> STAGES = List.of(
            new SpellingCorrector(Lexicon.standard())::correct,
            new PronounCase(Lexicon.standard())::correct,
            new TenseCorrector(Lexicon.standard())::correct,
            new AgreementCorrector(Lexicon.standard())::correct,
            new VerbFormCorrector(Lexicon.standard())::correct,
            new Collocation(Lexicon.standard())::correct,
            TimePreposition::correct,
            new VerbPreposition(Lexicon.standard())::correct,
            new Comparison(Lexicon.standard())::correct,
            new NounNumber(Lexicon.standard())::correct,
            new QuestionOrder(Lexicon.standard())::correct,
            new ArticleCorrector(Lexicon.standard())::correct,
            IndefiniteArticle::correct,
            new Capitals(Lexicon.standard())::correct,
            SentenceStart::capitalise);

    private final TutorModel model;
    private final int maxTokens;

    SentenceCorrector(TutorModel model, int maxTokens) {
        this.model = model;
        this.maxTokens = maxTokens;
    }

    int maxTokens() {
        return maxTokens;
    }

    int endToken() {
        return model.prompt().endToken();
    }

    /** The copy bias generation leans towards {@link Prompted#preferred} with. */
    float bias() {
        return model.copyBias();
    }

    /**
     * @throws IllegalArgumentException for a blank sentence, or one too long for the model
     *                                  (see {@link TutorModel#maxSentenceTokens})
     */
    Prompted prompt(String sentence, String learnerId) {
        TutorPrompt prompt = model.prompt();
        String source = sentence.strip();
        if (source.isEmpty()) throw new IllegalArgumentException("a sentence is blank");
        int[] p = prompt.encode(source);
        int limit = model.maxSentenceTokens(maxTokens);
        if (p.length - prompt.overhead() > limit)
            throw new IllegalArgumentException("a sentence is " + (p.length - prompt.overhead())
                    + " tokens long; the model takes at most " + limit);
        // Leaning towards the sentence as it is: an edit is made only where the model is clearly
        // surer of it than of copying (see TutorModel#copyBias).
        int[] preferred = model.copyBias() > 0 ? prompt.unchangedAnswer(p) : null;
        return new Prompted(sentence, source, learnerId, p, preferred);
    }

    /** The length in tokens of the sentence's prompt. */
    int promptTokens(String sentence) {
        return model.sentenceTokens(sentence) + model.prompt().overhead();
    }

    /** The correction of a sentence from the model's answer (its tokens before the end token). */
    Correction correct(Prompted p, int[] output, boolean ended) {
        return correction(p.sentence(), p.source(), model.prompt().decode(output), ended, p.learnerId());
    }

    /**
     * Whether the edit puts a full stop (or "!", "?") right after the learner's comma, semicolon or colon:
     * never English, and what the model, taught on whole sentences, adds to a clause cut from a long
     * sentence of a text ("... for three years," → "... for three years,.").
     */
    private static boolean stopAfterClauseMark(Edit e, List<WordDiff.Token> tokens) {
        if (e.start() != e.end() || e.start() == 0 || !List.of(".", "!", "?").contains(e.replacement())) return false;
        return List.of(",", ";", ":").contains(tokens.get(e.start() - 1).text());
    }

    /** {@code answer} after the {@link #STAGES}. */
    static String afterTheModel(String answer) {
        for (UnaryOperator<String> stage : STAGES) answer = stage.apply(answer);
        return answer;
    }

    /**
     * The correction of a sentence from the model's decoded answer. An answer {@link OutputCheck} refuses is
     * not used, but the stages after the model still correct the learner's own sentence: their edits come back
     * with the refusal as the reason (a typo or "She go ... yesterday" is fixed even where the model's answer
     * drifted); a sentence they leave as it is comes back unchanged.
     */
    Correction correction(String sentence, String source, String output, boolean ended, String learnerId) {
        Verdict verdict = OutputCheck.check(source, output, ended, maxTokens);
        if (verdict.accepted()) return corrected(sentence, source, output, null, learnerId);
        Correction byStages = corrected(sentence, source, source, verdict.reason(), learnerId);
        return byStages.status() == Status.CORRECTED ? byStages
                : new Correction(sentence, sentence, Status.UNCHANGED, verdict.reason(), List.of(), learnerId, List.of());
    }

    /**
     * {@code source} corrected by {@code answer} and the stages after the model, by the edits of theirs the tutor can
     * name. Where a change of the model's is dropped, the stages read the learner's words there once more: a typo the
     * model turned into an unrelated word ("wufe" → "life") is then the spelling stage's to correct ("wife").
     */
    private Correction corrected(String sentence, String source, String answer, String reason, String learnerId) {
        String output = afterTheModel(answer);
        List<Edit> edits = edits(source, output);
        List<Edit> named = named(source, edits);
        if (named.size() < edits.size()) {
            String kept = named.isEmpty() ? source : WordDiff.apply(source, named);
            String again = afterTheModel(kept);
            if (!again.equals(kept)) {
                output = again;
                edits = edits(source, output);
                named = named(source, edits);
            }
        }
        if (named.isEmpty()) // nothing but spacing, or nothing nameable, differs
            return new Correction(sentence, sentence, Status.NO_ERRORS, null, List.of(), learnerId, List.of());
        String corrected = named.size() == edits.size() ? output : WordDiff.apply(source, named);
        return new Correction(sentence, corrected, Status.CORRECTED, reason, named, learnerId, List.of());
    }

    private List<Edit> edits(String source, String output) {
        return output.equals(source) ? List.of() : model.classifier().edits(source, output);
    }

    /**
     * The edits the tutor can name and explain, which alone are made: the rest of a small model's changes (a
     * name, a number's words or a phrase rewritten into another) are drift, not corrections, and a learner must
     * not be taught them.
     */
    private List<Edit> named(String source, List<Edit> edits) {
        if (edits.isEmpty()) return edits;
        EditClassifier classifier = model.classifier();
        List<WordDiff.Token> tokens = WordDiff.tokenize(source);
        return edits.stream().filter(e -> classifier.names(e) && !stopAfterClauseMark(e, tokens)).toList();
    }
}
