package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Set;

/**
 * The tutor's stage for comparison, after the model. "more" before a comparative and "most" before a superlative
 * are one too many ("more taller" → "taller", "the most biggest" → "the biggest", "more better" → "better"); the
 * comparative is an adjective's own -er or -est form ({@link Lexicon#isComparative}), never a noun ("more water")
 * nor an adjective of its own ("most modest"). And a superlative before its noun takes "the" ("in most recent
 * version" → "in the most recent version", "for longest time" → "for the longest time", "one of best teachers"
 * → "one of the best teachers"): only after a preposition or a verb, where no other determiner can stand, not
 * after "at" ("at least", "at best"), and "best"/"worst" only after "of", "among" and "by far" ("for best
 * results" is an idiom). A short adjective takes its own form, not "more"/"most" ("more tall than" → "taller than",
 * "the most big" → "the biggest"; see {@link #gradedForm}). Why a stage: the model, which sees these errors seldom, leaves them.
 */
public final class Comparison {

    /** Words after which "best"/"worst" before a noun want "the" whatever the idiom: "one of best", "by far best". */
    private static final Set<String> BEFORE_BEST = Set.of("of", "among", "far");
    /** Adjectives that begin compound modifiers ("the most high tech equipment", "the most long term"), left with "most". */
    private static final Set<String> COMPOUND_FIRST = Set.of("high", "low", "full", "long", "short", "well", "hard", "top", "part");
    /** Comparatives and superlatives that WordNet lists as adjectives of their own. */
    private static final Set<String> IRREGULAR = Set.of("better", "worse", "best", "worst");

    private final Lexicon lex;

    public Comparison(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} without the "more" of "more taller", and with "the" before a superlative that needs it. */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            String degree = WordDiff.lower(tokens, k), next = tokens.get(k + 1).text();
            boolean lower = next.equals(WordDiff.lower(tokens, k + 1));
            boolean ownForm = IRREGULAR.contains(next) || !lex.isAdjective(next);  // "better"; not "modest"
            boolean doubled = lower && ownForm
                    && (degree.equals("more") && lex.isComparative(next) || degree.equals("most") && lex.isSuperlative(next));
            if (doubled) {
                out.replace(tokens.get(k).start(), tokens.get(k + 1).start(), "");   // the word goes with the space after it
                continue;
            }
            String graded = lower ? gradedForm(degree, next, WordDiff.lower(tokens, k + 2), WordDiff.lower(tokens, k - 1)) : null;
            if (graded != null) {
                out.replace(tokens.get(k).start(), tokens.get(k + 1).end(), graded);   // "more tall than" -> "taller than"
                k++;
                continue;
            }
            if (k > 0 && wantsThe(tokens, k)) out.replace(tokens.get(k).start(), tokens.get(k).start(), "the ");
        }
        return out.result();
    }

    /**
     * The -er or -est form for "more"/"most" and a short adjective ("more tall than" → "taller than", "the most big" →
     * "the biggest"): an adjective of one syllable or of two ending in -y ("happy" → "happier"), whose form the word list
     * knows; "more" only before "than", "most" only after "the". Null otherwise: "more polite", "more modern" may
     * stand, and "more beautiful" has no other form.
     */
    private String gradedForm(String degree, String adjective, String after, String before) {
        boolean more = degree.equals("more") && after.equals("than"), most = degree.equals("most") && before.equals("the");
        if (!more && !most || !lex.isAdjective(adjective) || !isShort(adjective) || most && COMPOUND_FIRST.contains(adjective)) return null;
        String stem = adjective.endsWith("e") ? adjective.substring(0, adjective.length() - 1)
                : adjective.endsWith("y") ? adjective.substring(0, adjective.length() - 1) + "i" : adjective;
        String ending = more ? "er" : "est";
        for (String candidate : List.of(stem + ending, adjective + adjective.charAt(adjective.length() - 1) + ending)) {
            if (lex.isWord(candidate) && (more ? lex.isComparative(candidate) : lex.isSuperlative(candidate))) return candidate;
        }
        return null;
    }

    /** One syllable ("tall", "nice": a final "e" is silent), or two ending in "y" ("happy", "easy"). */
    private static boolean isShort(String w) {
        String sounded = w.endsWith("e") ? w.substring(0, w.length() - 1) : w.endsWith("y") ? w.substring(0, w.length() - 1) : w;
        int groups = 0;
        for (int i = 0; i < sounded.length(); i++) {
            boolean vowel = "aeiouy".indexOf(sounded.charAt(i)) >= 0;
            boolean previousVowel = i > 0 && "aeiouy".indexOf(sounded.charAt(i - 1)) >= 0;
            if (vowel && !previousVowel) groups++;
        }
        return groups == 1;
    }

    /** Whether a superlative starts at {@code k} before its noun, after a word that leaves it no determiner. */
    private boolean wantsThe(List<Token> tokens, int k) {
        String w = WordDiff.lower(tokens, k), before = WordDiff.lower(tokens, k - 1);
        if (!tokens.get(k).text().equals(w)) return false;
        int noun;
        if (w.equals("most") || w.equals("least")) {
            if (!lex.isAdjective(WordDiff.lower(tokens, k + 1))) return false;
            noun = k + 2;                                           // "most recent version"; not "most cases"
        } else if (w.equals("best") || w.equals("worst")) {
            if (!BEFORE_BEST.contains(before)) return false;
            noun = k + 1;
        } else if (lex.isSuperlative(w) && !lex.isAdjective(w)) {
            noun = k + 1;                                           // "longest time"; not "modest", "honest"
        } else {
            return false;
        }
        String n = WordDiff.lower(tokens, noun);
        boolean isNoun = (lex.isNoun(n) || !lex.singulars(n).isEmpty()) && !Lexicon.isAuxiliary(n) && !lex.isPreposition(n);
        boolean leavesNoDeterminer = lex.isPreposition(before) && !before.equals("at") || before.equals("far")
                || !lex.verbReadings(before).isEmpty() && !Lexicon.isAuxiliary(before) && !lex.isNoun(before);
        return isNoun && leavesNoDeterminer;
    }
}
