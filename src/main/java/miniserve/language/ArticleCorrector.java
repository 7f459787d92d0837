package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Set;

/**
 * The tutor's article stage, after the model, for two article errors learners make whatever their text:
 *
 * <ul>
 *   <li>"a"/"an" before an uncountable noun goes ("an information" → "information", "Can you give me a good
 *   advice?" → "good advice", "What a nice weather!" → "What nice weather!"), up to two adjectives or adverbs
 *   between them. Not when the noun starts a compound ("a software engineer", "a weather report"), and not the
 *   uncountable nouns that also name one thing ("a good education", "a knowledge of French", "a wealth of").</li>
 *   <li>A job or a person after "is", "was", "be", "become" takes "a"/"an" ("He is teacher." → "He is a teacher.",
 *   "When I was child" → "When I was a child", "She wants to be good doctor." → "to be a good doctor"): English
 *   names the class one belongs to with an article, where many learners' languages have none. Only a singular noun
 *   in lower case that ends its phrase (not "a student council", nor a title before a name: "Who is artist Gunther
 *   Uecker?"), with at most one adjective before it, and not a
 *   superlative ("is best student" wants "the", which the comparison stage gives).</li>
 * </ul>
 *
 * <p>Why a stage: the model, which sees the article of news and manuals, leaves these; which "the" a sentence
 * lacks is a matter of meaning that no such rule decides, so none is attempted here.
 */
public final class ArticleCorrector {

    /** Uncountable nouns ({@link Lexicon#isUncountable}) that also take "a" in a sense of their own: "a good education". */
    private static final Set<String> ALSO_COUNTABLE = Set.of("education", "knowledge", "wealth", "vocabulary", "behaviour",
            "behavior", "accommodation", "nonsense", "energy", "entertainment", "fun", "gold", "employment",
            "unemployment", "health", "happiness", "leisure", "laughter", "violence", "courage", "chaos");
    /** Forms of "be" and "become" after which a job or a person is named with an article; not "are"/"were" (plural). */
    private static final Set<String> BE_SINGULAR = Set.of("am", "is", "was", "be", "been", "become", "becomes", "became");
    /** Jobs and people a learner names after "be": singular, countable, seldom a title without an article. */
    private static final Set<String> PERSON_NOUNS = Set.of("teacher", "doctor", "nurse", "engineer", "student", "lawyer",
            "farmer", "driver", "cook", "chef", "waiter", "waitress", "singer", "dancer", "writer", "pilot", "scientist",
            "artist", "musician", "actor", "actress", "dentist", "builder", "mechanic", "programmer", "secretary",
            "soldier", "policeman", "policewoman", "firefighter", "journalist", "photographer", "designer", "architect",
            "accountant", "pharmacist", "baker", "cashier", "electrician", "plumber", "carpenter", "hairdresser",
            "librarian", "receptionist", "translator", "tourist", "child", "boy", "girl", "baby", "teenager", "friend",
            "vegetarian", "beginner", "volunteer", "housewife", "businessman", "businesswoman");
    /** Words after "be" that leave the noun without an article ("is no doctor", "is not teacher" is left to the model). */
    private static final Set<String> NOT_AFTER = Set.of("not", "no", "never");
    /** Words that WordNet also lists as nouns but that end a noun phrase when they follow it: "is teacher here". */
    private static final Set<String> PHRASE_ENDING_ADVERBS = Set.of("here", "there", "now", "today", "tonight", "yesterday",
            "tomorrow", "too", "again", "also", "please", "then");

    private final Lexicon lex;

    public ArticleCorrector(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} without "a"/"an" before an uncountable noun, and with "a"/"an" before a job after "be". */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            String w = tokens.get(k).text();
            if ((w.equals("a") || w.equals("an")) && beforeUncountable(tokens, k)) {
                out.replace(tokens.get(k).start(), tokens.get(k + 1).start(), "");   // the article goes with its space
            } else if (BE_SINGULAR.contains(WordDiff.lower(tokens, k))) {
                int noun = personNounAfter(tokens, k);
                if (noun < 0) continue;
                Token first = tokens.get(k + 1);
                out.replace(first.start(), first.start(), IndefiniteArticle.articleFor("a", first.text()) + " ");
                k = noun;
            }
        }
        return out.result();
    }

    /**
     * Whether an uncountable noun that ends its phrase follows the article at {@code k}, past at most one adjective
     * and an adverb before it ("a new furniture", "a very good advice"; not "a huge international music", where two
     * adjectives make it a kind of music, nor "a pile of").
     */
    private boolean beforeUncountable(List<Token> tokens, int k) {
        boolean adverb = false, adjective = false;
        for (int n = k + 1; n <= k + 3 && n < tokens.size(); n++) {
            String w = tokens.get(n).text();
            if (!w.equals(WordDiff.lower(tokens, n)) || !tokens.get(n).isWord()) return false;
            if (lex.isUncountable(w) && !ALSO_COUNTABLE.contains(w)) return endsNounPhrase(lex, tokens, n + 1);
            if (!adverb && !adjective && lex.isAdverb(w) && lex.isAdjective(WordDiff.lower(tokens, n + 1))) adverb = true;  // "very"
            else if (!adjective && lex.isAdjective(w)) adjective = true;                                                     // "heavy"
            else return false;
        }
        return false;
    }

    /**
     * The index of a job or person noun that follows the form of "be" at {@code k} with no determiner, past at most
     * one adjective ("is good teacher"); -1 when there is none or it starts a compound.
     */
    private int personNounAfter(List<Token> tokens, int k) {
        if (NOT_AFTER.contains(WordDiff.lower(tokens, k + 1))) return -1;
        for (int n = k + 1; n <= k + 2 && n < tokens.size(); n++) {
            String w = tokens.get(n).text();
            if (!w.equals(WordDiff.lower(tokens, n))) return -1;                      // "is President", "was Teacher of the Year"
            if (PERSON_NOUNS.contains(w)) return endsNounPhrase(lex, tokens, n + 1) ? n : -1;
            if (n > k + 1 || !lex.isAdjective(w) || lex.isSuperlative(w) || Lexicon.DETERMINER_LIKE.contains(w)) return -1;
        }
        return -1;
    }

    /**
     * Whether the token at {@code n} (or the text's end) closes the noun phrase before it: a mark, or a word that
     * continues no noun phrase (a preposition, an auxiliary, a subject pronoun, a clause word, an adverb such as
     * "here"), not a noun ("a student council") nor a name ("artist Gunther Uecker"). The article and agreement
     * stages read a noun phrase's end so.
     */
    static boolean endsNounPhrase(Lexicon lex, List<Token> tokens, int n) {
        if (n >= tokens.size() || !tokens.get(n).isWord()) return true;
        String w = WordDiff.lower(tokens, n);
        if (!tokens.get(n).text().equals(w)) return false;                  // a title before a name: "is artist Gunther Uecker"
        boolean continues = (lex.isNoun(w) || !lex.singulars(w).isEmpty()) && !lex.isPreposition(w) && !Lexicon.isAuxiliary(w)
                && !Lexicon.SUBJECT_PRONOUNS.contains(w) && !FinishedTime.CLAUSE_WORDS.contains(w);
        return !continues || PHRASE_ENDING_ADVERBS.contains(w);
    }
}
