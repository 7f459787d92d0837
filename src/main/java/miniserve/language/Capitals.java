package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The words that take a capital wherever they stand: the pronoun "I" ("i think", "i'm"), the days and the months
 * ("on friday", "in july"); and a language after a verb of speaking or learning or "in" ("i speak english" → "I
 * speak English", "in french"; not "in french culture"), a country after a preposition or "visit" ("in spain", "to france"). The tutor's
 * stage after the model, before the sentence's first capital. Not "may" and "march", which are also a modal and
 * a verb, nor "china" and "turkey", also a material and a bird; not "i" as a list mark ("(i)") nor in "i.e."; and
 * not a nationality before a noun ("greek bar", "mexican place"), which informal writing often leaves in lower
 * case and which the clean evaluation sentences keep so. Why a stage: the model leaves some of these in long
 * sentences ("Now, i would argue").
 */
public final class Capitals {

    private static final Set<String> I_CONTRACTIONS = Set.of("i'm", "i've", "i'll", "i'd");
    private static final Set<String> ALWAYS_CAPITAL = Set.of(
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "january", "february", "april", "june", "july", "august", "september", "october", "november", "december");
    private static final Set<String> LANGUAGES = Set.of("english", "french", "spanish", "german", "italian", "chinese",
            "japanese", "russian", "arabic", "portuguese", "korean", "greek", "polish", "turkish", "dutch", "swedish");
    /** Words before a language that show it is one: "speak english", "in french". */
    private static final Set<String> BEFORE_A_LANGUAGE = Set.of("speak", "speaks", "spoke", "speaking", "learn", "learns",
            "learned", "learnt", "learning", "study", "studies", "studied", "studying", "teach", "teaches", "taught",
            "teaching", "in", "know", "knows", "understand", "understands");
    private static final Set<String> COUNTRIES = Set.of("england", "france", "spain", "germany", "italy", "japan", "russia",
            "india", "canada", "mexico", "brazil", "america", "europe", "africa", "asia", "australia");
    /** Words before a country that show it is a place: "in spain", "to france", "visited italy". */
    private static final Set<String> BEFORE_A_PLACE = Set.of("in", "to", "from", "of", "visit", "visited", "visiting", "across");

    private final Lexicon lex;

    public Capitals(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with "I", the days, the months, languages and countries capitalised (see above); else {@code text} itself. */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k < tokens.size(); k++) {
            String w = tokens.get(k).text();
            boolean pronoun = w.equals("i") || I_CONTRACTIONS.contains(w);
            boolean listMark = w.equals("i") && (WordDiff.lower(tokens, k - 1).equals("(") || WordDiff.lower(tokens, k + 1).equals(")")
                    || WordDiff.lower(tokens, k + 1).equals("."));
            String prev = WordDiff.lower(tokens, k - 1);
            boolean named = ALWAYS_CAPITAL.contains(w) || LANGUAGES.contains(w) && BEFORE_A_LANGUAGE.contains(prev) && !beforeANoun(tokens, k)
                    || COUNTRIES.contains(w) && BEFORE_A_PLACE.contains(prev);
            if (pronoun && !listMark || named) {
                Token t = tokens.get(k);
                out.replace(t.start(), t.start() + 1, w.substring(0, 1).toUpperCase(Locale.ROOT));
            }
        }
        return out.result();
    }

    /** Whether a noun follows the word at {@code k}, which is then an adjective: "in french culture". */
    private boolean beforeANoun(List<Token> tokens, int k) {
        String next = WordDiff.lower(tokens, k + 1);
        return k + 1 < tokens.size() && tokens.get(k + 1).isWord() && (lex.isNoun(next) || !lex.singulars(next).isEmpty())
                && !lex.isAdverb(next) && !lex.isPreposition(next) && !Lexicon.isAuxiliary(next) && !FinishedTime.CLAUSE_WORDS.contains(next);
    }
}
