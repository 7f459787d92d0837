package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Set;

/**
 * The tutor's noun-number stage, after the model: a noun takes the number its determiner asks for. A count of two
 * or more, or "many", "several", "various", "numerous", before a singular noun: the plural ("three book" → "three
 * books", "many person" → "many people"); "a", "an", "every", "each", "another" before a plural noun: the singular
 * ("a books" → "a book", "every students" → "every student"); "this" before a plural noun and a plural verb, or
 * a plural in an object's place: "these" ("This shoes are" → "These shoes are", "in this countries" → "in these
 * countries"); "these"/"those" before a singular after a preposition other than "of": "this"/"that" ("in these
 * country"; "one of those hang on boxes" is left).
 *
 * <p>Left alone: a noun that is the first of a compound ("a five star hotel", "a sports car": a noun or an
 * adjective follows), an uncountable noun, a word that is a noun as it stands ("a means", "a series"), a number
 * word ("two hundred"), a number that labels rather than counts ("Room 5 key", "category five storm": a capital or a noun
 * before it; "a 10 minute walk"; "1080 video"), and after "many" or "several" a word that is also a verb ("Many say"). Why a stage: the model fixes
 * about two thirds of the synthetic set's noun-number errors and leaves plain ones a rule is sure of.
 */
public final class NounNumber {

    private static final Set<String> PLURAL_WORDS = Set.of("many", "several", "various", "numerous");
    private static final Set<String> COUNT_WORDS = Set.of("two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand");
    /** Nouns that count, never counted: "two hundred", "three dozen", "five percent". */
    private static final Set<String> NUMBER_NOUNS = Set.of("hundred", "thousand", "million", "billion", "dozen", "percent",
            "per", "cent", "score");
    private static final Set<String> SINGULAR_WORDS = Set.of("a", "an", "every", "each", "another");
    /**
     * Plurals without a plural ending, which WordNet lists as nouns as they stand, and nouns whose plural is the same
     * word ("several aircraft").
     */
    private static final Set<String> PLURAL_AS_THEY_STAND = Set.of("people", "police", "cattle", "staff", "personnel",
            "clergy", "livestock", "crew", "family", "team", "aircraft", "spacecraft", "sheep", "deer", "fish", "offspring",
            "moose", "swine", "salmon", "trout", "bison");
    /** Verbs in the plural that show their subject is one: "This shoes are". */
    private static final Set<String> PLURAL_VERBS = Set.of("are", "were", "have", "do", "don't", "aren't", "weren't", "haven't");
    /** Marks after a noun that end its phrase ("two cat." / "two cat, and"); any other ("20 year+") may not. */
    /** Nouns that "these"/"those" often stand before in speech ("these kind of things"), left to the model. */
    private static final Set<String> KIND_WORDS = Set.of("kind", "sort", "type");
    private static final Set<String> PHRASE_ENDS = Set.of(".", ",", ";", ":", "!", "?", ")", "\"");

    private final Lexicon lex;

    public NounNumber(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with each noun in the number its determiner asks for (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 1; k < tokens.size(); k++) {
            Token noun = tokens.get(k);
            String w = noun.text(), det = WordDiff.lower(tokens, k - 1), next = WordDiff.lower(tokens, k + 1);
            if (w.length() < 3 || !w.equals(WordDiff.lower(tokens, k)) || startsCompound(next)) continue;
            if (k + 1 < tokens.size() && !tokens.get(k + 1).isWord() && !PHRASE_ENDS.contains(next)) continue;
            String right = null;
            if (counts(tokens, k - 1) && isCountableSingular(w) && !(PLURAL_WORDS.contains(det) && lex.isVerb(w)))
                right = w.equals("person") ? "people" : lex.plural(w);
            else if (SINGULAR_WORDS.contains(det) && !lex.isNoun(w))
                right = commonest(lex.singulars(w));   // "bunches": "bunch", not the name "Bunche"
            else if (det.equals("this") && !lex.singulars(w).isEmpty() && PLURAL_VERBS.contains(next)
                    || det.equals("this") && objectPlural(tokens, k)) {
                // "This shoes are": the plural verb shows the noun is meant, and "this" is the slip ("this costs money" stays)
                Token determiner = tokens.get(k - 1);
                out.replace(determiner.start(), determiner.end(), determiner.text().charAt(0) == 'T' ? "These" : "these");
                continue;
            } else if ((det.equals("these") || det.equals("those")) && isCountableSingular(w) && !KIND_WORDS.contains(w)
                    && isPlainNoun(w) && !COUNT_WORDS.contains(w)            // not "from these there", "Of these three", "those who"
                    && lex.isPreposition(WordDiff.lower(tokens, k - 2)) && !WordDiff.lower(tokens, k - 2).equals("of")) {   // "one of those hang-on boxes"
                // "in these country", "for those reason": the determiner counts more than the noun it stands before
                Token determiner = tokens.get(k - 1);
                out.replace(determiner.start(), determiner.end(), det.equals("these") ? "this" : "that");
                continue;
            }
            if (right != null && !right.equals(w)) out.replace(noun.start(), noun.end(), right);
        }
        return out.result();
    }

    /**
     * Whether the word after a noun makes the noun the first of a compound ("star" in "five star hotel"): a noun or an
     * adjective, not an auxiliary ("are"), a preposition ("in") or an adverb ("here"), which WordNet also lists as nouns.
     */
    private boolean startsCompound(String next) {
        if (next.endsWith("'s")) next = next.substring(0, next.length() - 2);   // "two beheading video's"
        if (next.contains("-")) return true;                                    // "24 hour news-cycle lives"
        boolean nounOrAdjective = lex.isNoun(next) || !lex.singulars(next).isEmpty() || lex.isAdjective(next);
        return nounOrAdjective && !Lexicon.isAuxiliary(next) && !lex.isPreposition(next) && !lex.isAdverb(next);
    }

    /** The word of {@code words} the training text has most often; null for none. */
    private String commonest(List<String> words) {
        String best = null;
        for (String w : words) if (best == null || lex.count(w) > lex.count(best)) best = w;
        return best;
    }

    /**
     * Whether token {@code k} counts two or more of what follows: "many", "three", "12"; not a number after "a", nor one
     * that labels ("Room 5", "category five": a capital or a noun before it), nor one of four digits ("1080 video").
     */
    private boolean counts(List<Token> tokens, int k) {
        String w = WordDiff.lower(tokens, k), before = WordDiff.lower(tokens, k - 1);
        if (PLURAL_WORDS.contains(w)) return true;
        boolean number = COUNT_WORDS.contains(w) || w.matches("[0-9]{1,3}") && !w.matches("0*1");
        boolean label = k > 0 && (Character.isUpperCase(tokens.get(k - 1).text().charAt(0))
                || lex.isNoun(before) && !lex.isVerb(before) && !Lexicon.isAuxiliary(before) && !lex.isPreposition(before));
        return number && !before.equals("a") && !before.equals("an") && !label;
    }

    /**
     * Whether the noun at {@code k}, after "this", is a plural in an object's place: after a preposition ("in this
     * countries"), or after a verb when the plural is no verb's third person ("evaluate this properties"; "this
     * works" after "said" may be a pronoun and its verb).
     */
    private boolean objectPlural(List<Token> tokens, int k) {
        String w = WordDiff.lower(tokens, k), before = WordDiff.lower(tokens, k - 2);
        if (lex.singulars(w).isEmpty() || lex.isNoun(w) || lex.isUncountable(w) || w.endsWith("ss")) return false;
        if (lex.isPreposition(before)) return true;
        boolean afterVerb = !lex.verbReadings(before).isEmpty() && !Lexicon.isAuxiliary(before) && !lex.isNoun(before);
        return afterVerb && lex.presentReading(w, Lexicon.VerbForm.THIRD_PERSON) == null;
    }

    /**
     * Whether {@code w} is a noun and nothing a pronoun-like "those" may stand before instead: no adverb, adjective,
     * preposition, -ing form, pronoun or clause word ("those who", "those eager", "those making", "these there").
     */
    private boolean isPlainNoun(String w) {
        return lex.isNoun(w) && !lex.isAdverb(w) && !lex.isAdjective(w) && !lex.isPreposition(w) && !lex.canBe(w, Lexicon.VerbForm.ING)
                && !Lexicon.SUBJECT_PRONOUNS.contains(w) && !Lexicon.OBJECT_PRONOUNS.contains(w) && !Lexicon.QUESTION_WORDS.contains(w)
                && !FinishedTime.CLAUSE_WORDS.contains(w);
    }

    private boolean isCountableSingular(String w) {
        // not a word in -s ("thanks", "means", "news", "analysis"), whose plural the regular rules do not make
        return lex.isNoun(w) && lex.singulars(w).isEmpty() && !lex.isUncountable(w) && !NUMBER_NOUNS.contains(w)
                && !Lexicon.isAuxiliary(w) && !w.endsWith("s")
                && !PLURAL_AS_THEY_STAND.contains(w);
    }
}
