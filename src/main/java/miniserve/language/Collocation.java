package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tutor's stage for the verbs some nouns and objects take, after the model: learners carry over from their own
 * languages "do a mistake" (→ "make a mistake"), "make my homework" (→ "do my homework") and "he said me" (→ "he
 * told me"), and "I am interesting in music" (→ "interested in": the -ed adjective names the feeling, the -ing one
 * its cause; only after a person's "be" and before "in"/"about", "It is interesting in many ways" stays). The verb keeps its form ("did" → "made", "makes" → "does", "said" → "told"). The noun may follow a
 * determiner and one adjective ("did a big mistake"); "do", "does" and "did" count only after a subject or with a
 * determiner before the noun, since as auxiliaries they may open a question ("Do mistakes matter?"). "said" counts
 * before "me", "him" or "us" only ("I said it", "say you are right" stay). Why a stage: the model, which sees these
 * seldom, leaves them.
 */
public final class Collocation {

    private static final Map<String, String> MAKE_FOR_DO = Map.of("do", "make", "does", "makes", "did", "made", "doing", "making");
    private static final Map<String, String> DO_FOR_MAKE = Map.of("make", "do", "makes", "does", "made", "did", "making", "doing");
    private static final Map<String, String> TELL_FOR_SAY = Map.of("say", "tell", "says", "tells", "said", "told", "saying", "telling");
    /** Nouns that take "make": "make a mistake", "make a decision". */
    private static final Set<String> MAKE_NOUNS = Set.of("mistake", "mistakes", "decision", "decisions", "noise", "effort",
            "efforts", "progress", "money");
    /** Nouns that take "do": "do my homework", "do the dishes". */
    private static final Set<String> DO_NOUNS = Set.of("homework", "housework", "dishes", "sport", "sports");
    private static final Set<String> TOLD_OBJECTS = Set.of("me", "him", "us");
    /** The -ing adjectives of a cause whose -ed feeling ("interest" + "ed") a learner means, and the feeling's preposition. */
    private static final Map<String, String> CAUSE_BEFORE = Map.of("interesting", "in", "exciting", "about");
    /** Adverbs between "be" and the adjective: "I am very interested". */
    private static final Set<String> DEGREE = Set.of("very", "really", "so", "quite", "not", "also", "too", "always");

    private final Lexicon lex;

    public Collocation(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with the verb each of these nouns and objects takes (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            String raw = tokens.get(k).text(), w = WordDiff.lower(tokens, k);
            if (!raw.equals(w) && k > 0) continue;
            String right = null;
            if (MAKE_FOR_DO.containsKey(w)) {
                int noun = nounAfter(tokens, k + 1, MAKE_NOUNS);
                boolean verb = w.equals("doing") || k > 0 && (Lexicon.SUBJECT_PRONOUNS.contains(WordDiff.lower(tokens, k - 1))
                        || noun > k + 1 && !Lexicon.QUESTION_WORDS.contains(WordDiff.lower(tokens, k - 1)));
                if (noun > 0 && verb) right = MAKE_FOR_DO.get(w);
            } else if (DO_FOR_MAKE.containsKey(w) && nounAfter(tokens, k + 1, DO_NOUNS) > 0) {
                right = DO_FOR_MAKE.get(w);
            } else if (TELL_FOR_SAY.containsKey(w) && TOLD_OBJECTS.contains(WordDiff.lower(tokens, k + 1))) {
                right = TELL_FOR_SAY.get(w);
            } else if (CAUSE_BEFORE.containsKey(w) && CAUSE_BEFORE.get(w).equals(WordDiff.lower(tokens, k + 1))
                    && personIsBefore(tokens, k)) {
                right = w.substring(0, w.length() - "ing".length()) + "ed";                              // "I am interesting in music" -> "interested"
            }
            if (right == null) continue;
            if (Character.isUpperCase(raw.charAt(0))) right = Character.toUpperCase(right.charAt(0)) + right.substring(1);
            out.replace(tokens.get(k).start(), tokens.get(k).end(), right);
        }
        return out.result();
    }

    /**
     * Whether a person is the subject of the "be" before the adjective at {@code k}: "I am", "she is really", "we
     * were" (a pronoun other than "it", or "you"), so that "interesting" names a feeling, not what causes it ("It is
     * interesting in many ways" stays).
     */
    private static boolean personIsBefore(List<Token> tokens, int k) {
        int be = k - 1;
        if (DEGREE.contains(WordDiff.lower(tokens, be))) be--;
        String subject = WordDiff.lower(tokens, be - 1);
        return Lexicon.BE_FORMS.contains(WordDiff.lower(tokens, be)) && Lexicon.SUBJECT_PRONOUNS.contains(subject)
                && !subject.equals("it") && !subject.equals("you") && !subject.equals("who");
    }

    /**
     * The index of one of {@code nouns} at {@code k}, or after a determiner and at most one adjective, that ends its
     * phrase ("a big mistake", "my homework"; not "a mistake rate"); -1 when there is none.
     */
    private int nounAfter(List<Token> tokens, int k, Set<String> nouns) {
        int n = k;
        if (Lexicon.DETERMINER_LIKE.contains(WordDiff.lower(tokens, n)) || Lexicon.POSSESSIVE_DETERMINERS.contains(WordDiff.lower(tokens, n))) n++;
        if (n < tokens.size() && !nouns.contains(WordDiff.lower(tokens, n)) && lex.isAdjective(WordDiff.lower(tokens, n))) n++;
        if (n >= tokens.size() || !nouns.contains(tokens.get(n).text())) return -1;
        return ArticleCorrector.endsNounPhrase(lex, tokens, n + 1) ? n : -1;
    }
}
