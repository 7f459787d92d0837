package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tutor's pronoun stage, after the model: a pronoun takes the form its place asks for, where the place decides.
 *
 * <ul>
 *   <li>The subject form before an auxiliary or a modal, at the start of a clause: "Me would like" → "I would like",
 *   "him will come" → "he will", "Them are late" → "They are"; and before any present verb at the start of the
 *   sentence ("Me apologize" → "I apologize"; the agreement stage then gives the verb its person). Not after a verb
 *   or a preposition, where the pronoun is an object ("let us have", "for him is"), and not "her", which is also the
 *   possessive ("her will").</li>
 *   <li>A possessive determiner that stands where a subject does, before an auxiliary and a verb: "our will
 *   interview" → "we will interview", "their don't know" → "they don't know" (not "his", also a pronoun of its
 *   own: "His does not work"; not "my will states", a noun; not "their is", which wants "there is").</li>
 *   <li>The object form after a preposition at the end of a phrase: "listens to I," → "to me,", "out of I." → "of me."
 *   (not after "than" or "as", where "I" may be right).</li>
 *   <li>The possessive determiner before a noun: "mine source" → "my source", "yours share" → "your share", "them
 *   own pictures" → "their own", "with me friends" → "with my friends" (after a preposition only: "give me money").</li>
 * </ul>
 *
 * <p>Why a stage: the model fixes about half the synthetic set's pronoun errors and leaves these plain ones.
 */
public final class PronounCase {

    private static final Map<String, String> SUBJECT_OF = Map.of("me", "I", "him", "he", "us", "we", "them", "they");
    /** Not "his", which is also a pronoun of its own ("His does not work", his one). */
    private static final Map<String, String> SUBJECT_OF_POSSESSIVE = Map.of("my", "I", "our", "we", "their", "they");
    private static final Map<String, String> POSSESSIVE_OF_OBJECT = Map.of("them", "their", "him", "his", "me", "my", "us", "our");
    private static final Map<String, String> DETERMINER_OF = Map.of("mine", "my", "yours", "your", "ours", "our",
            "theirs", "their", "hers", "her");
    /** Auxiliaries and modals that a subject stands before: "I would", "he has", "they are". */
    private static final Set<String> AFTER_A_SUBJECT = Set.of("am", "is", "are", "was", "were", "have", "has", "had",
            "do", "does", "did", "will", "would", "can", "could", "shall", "should", "may", "might", "must", "don't",
            "doesn't", "didn't", "won't", "wouldn't", "can't", "couldn't", "shouldn't", "isn't", "aren't", "wasn't",
            "weren't", "haven't", "hasn't", "hadn't");
    /** Marks and words after which a clause starts (not a word that is also a preposition: "the one after him is"). */
    private static final Set<String> CLAUSE_OPENERS = Set.of(",", ";", ":", "(", "\"", "-", "and", "but", "or", "so",
            "that", "which", "who", "when", "where", "while", "because", "if", "although", "though", "whether", "unless");
    /** Prepositions after which "I" may be right ("taller than I", "as well as I"). */
    private static final Set<String> COMPARING = Set.of("than", "as", "like", "but");

    private final Lexicon lex;

    public PronounCase(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with each pronoun in the form its place asks for (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k < tokens.size(); k++) {
            String raw = tokens.get(k).text(), w = WordDiff.lower(tokens, k);
            String next = WordDiff.lower(tokens, k + 1), prev = WordDiff.lower(tokens, k - 1);
            String right = null;
            if (SUBJECT_OF.containsKey(w) && opensClause(tokens, k)
                    && (AFTER_A_SUBJECT.contains(next) || k == 0 && isPresentVerb(next, WordDiff.lower(tokens, k + 2)))) {
                right = SUBJECT_OF.get(w);                                           // "Me would like" -> "I would like"
            } else if (SUBJECT_OF_POSSESSIVE.containsKey(w) && opensClause(tokens, k) && AFTER_A_SUBJECT.contains(next)
                    && !(w.equals("their") && Lexicon.BE_FORMS.contains(next)) && isVerbAfterAuxiliary(WordDiff.lower(tokens, k + 2))) {   // "their is" wants "there"
                right = SUBJECT_OF_POSSESSIVE.get(w);                                // "our will interview" -> "we will"
            } else if (raw.equals("I") && k > 0 && lex.isPreposition(prev) && !COMPARING.contains(prev)
                    && (k + 1 == tokens.size() || !tokens.get(k + 1).isWord())) {
                right = "me";                                                        // "listens to I," -> "to me,"
            } else if (DETERMINER_OF.containsKey(w) && !prev.equals("of") && !Lexicon.DETERMINER_LIKE.contains(prev) && isNounAt(tokens, k + 1)
                    && (!lex.isPreposition(prev) || k + 2 < tokens.size() && tokens.get(k + 2).isWord()
                        || lex.singulars(WordDiff.lower(tokens, k + 1)).isEmpty() && !WordDiff.lower(tokens, k + 1).endsWith("s"))) {   // "to mine attention."; not "compare them to mine thanks?"
                right = DETERMINER_OF.get(w);                                        // "mine source" -> "my source"
            } else if (POSSESSIVE_OF_OBJECT.containsKey(w) && next.equals("own")) {
                right = POSSESSIVE_OF_OBJECT.get(w);                                 // "them own" -> "their own"
            } else if (w.equals("me") && k > 0 && lex.isPreposition(prev) && isNounAt(tokens, k + 1)) {
                right = "my";                                                        // "with me friends" -> "with my friends"
            }
            if (right == null) continue;
            if (Character.isUpperCase(raw.charAt(0)) && !raw.equals("I") && !right.equals("I")) right = Character.toUpperCase(right.charAt(0)) + right.substring(1);
            if (!right.equals(raw)) out.replace(tokens.get(k).start(), tokens.get(k).end(), right);
        }
        return out.result();
    }

    /** Whether the word at {@code k} starts a clause: the first, or after a mark or a word that joins clauses. */
    private static boolean opensClause(List<Token> tokens, int k) {
        if (k == 0) return true;
        return CLAUSE_OPENERS.contains(WordDiff.lower(tokens, k - 1));
    }

    /** Whether {@code w} can be the verb an auxiliary governs: a base form, a participle or an -ing form. */
    private boolean isVerbAfterAuxiliary(String w) {
        return lex.canBe(w, Lexicon.VerbForm.BASE) || lex.canBe(w, Lexicon.VerbForm.PAST_PARTICIPLE) || lex.canBe(w, Lexicon.VerbForm.ING);
    }

    /** Whether {@code w} is a present verb (not also a noun's plural) before {@code next}: "Me apologize", "Him likes it". */
    private boolean isPresentVerb(String w, String next) {
        return lex.presentReading(w, Lexicon.VerbForm.BASE, Lexicon.VerbForm.THIRD_PERSON) != null && !lex.isNoun(w)
                && lex.singulars(w).isEmpty() && !next.equals("and");
    }

    /**
     * Whether a noun in lower case stands at {@code k} and is no adverb, preposition, auxiliary, pronoun or
     * determiner ("me friends", "mine source"; not "me yesterday", "me too", "yours truly").
     */
    private boolean isNounAt(List<Token> tokens, int k) {
        if (k >= tokens.size() || !tokens.get(k).isWord()) return false;
        String w = tokens.get(k).text();
        if (!w.equals(WordDiff.lower(tokens, k))) return false;
        boolean noun = lex.isNoun(w) || !lex.singulars(w).isEmpty();
        return noun && !lex.isAdverb(w) && !lex.isPreposition(w) && !Lexicon.isAuxiliary(w) && !Lexicon.MODALS.contains(w)
                && !lex.canBe(w, Lexicon.VerbForm.ING)                                          // "yelling at me saying"
                && !Lexicon.DETERMINER_LIKE.contains(w) && !SUBJECT_OF.containsKey(w) && !Lexicon.SUBJECT_PRONOUNS.contains(w)
                && !FinishedTime.CLAUSE_WORDS.contains(w) && !lex.isAdjective(w);
    }
}
