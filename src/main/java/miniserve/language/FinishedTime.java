package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Set;

/**
 * A finished time in a verb's clause ("yesterday", "two days ago", "last year", "in 2010"): the words that
 * make the past simple the only right tense. The error generator injects tense errors only where a clause
 * has one ("Yesterday I go"), and the tutor's tense stage corrects the verbs of such a clause; both read
 * the clause the same way here.
 */
public final class FinishedTime {

    /** Words that start a new clause, so a time phrase after them belongs to another verb. */
    public static final Set<String> CLAUSE_WORDS = Set.of("and", "but", "or", "so", "that", "which", "who", "whom", "whose",
            "when", "where", "while", "because", "if", "since", "after", "before", "until", "although", "though", "as", "than",
            "whether", "unless");
    /** What "last" names a finished time with: "last year", "last Monday" (not "the last week of June"). */
    public static final Set<String> TIME_UNITS = Set.of("night", "week", "weekend", "month", "year", "summer", "winter",
            "spring", "autumn", "term", "semester", "season", "christmas", "morning", "evening", "monday", "tuesday",
            "wednesday", "thursday", "friday", "saturday", "sunday");
    /** The months, lower-cased ("may" is also a modal: a reader that may meet the modal checks the capital). */
    public static final Set<String> MONTHS = Set.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december");

    private FinishedTime() {
    }

    /** Whether a finished-time phrase starts at token {@code k}: "yesterday", "(two days) ago", "last year", "in 2010". */
    public static boolean startsAt(List<Token> tokens, int k) {
        String w = WordDiff.lower(tokens, k), next = WordDiff.lower(tokens, k + 1);
        return w.equals("yesterday") || w.equals("ago")
                || w.equals("last") && TIME_UNITS.contains(next) && (k == 0 || !WordDiff.lower(tokens, k - 1).equals("the"))
                || w.equals("in") && next.matches("1[89][0-9][0-9]|20[01][0-9]|202[0-5]");
    }

    /**
     * Whether the clause of the verb at {@code verb} (its subject at {@code verb - 1}) holds a finished-time
     * phrase: to the right up to punctuation, a clause word, a subject pronoun or another past verb; to the
     * left back to the sentence start, across commas ("Last year, I ...").
     */
    public static boolean inClause(Lexicon lex, List<Token> tokens, int verb) {
        for (int k = verb + 1; k < tokens.size() && tokens.get(k).isWord(); k++) {
            String w = WordDiff.lower(tokens, k);
            if (CLAUSE_WORDS.contains(w) || Lexicon.SUBJECT_PRONOUNS.contains(w) || lex.isPast(w) && !lex.isNoun(w)) break;
            if (startsAt(tokens, k)) return true;
        }
        for (int k = verb - 2; k >= 0 && (tokens.get(k).isWord() || tokens.get(k).text().equals(",")); k--) {
            String w = WordDiff.lower(tokens, k);
            if (CLAUSE_WORDS.contains(w) || Lexicon.SUBJECT_PRONOUNS.contains(w)) break;
            if (tokens.get(k).isWord() && startsAt(tokens, k)) return true;
        }
        return false;
    }
}
