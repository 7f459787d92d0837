package miniserve.language;

import java.util.ArrayList;
import java.util.List;

/**
 * The tutor's spelling stage, after the model. A lower-case word of four letters or more that is not in
 * the word list is corrected when it is a real misspelling of the lexicon's list ("recieved" →
 * "received", codespell's, with one certain correction each), or when it never occurs in the training
 * text: then to the commonest word of that text one slip away (a letter dropped, added or changed, or
 * two neighbours swapped: "srevice" → "service"). Nothing else is touched: capitalised words (names,
 * acronyms), short words, words with digits or apostrophes, and any other word the training text holds
 * ("gonna").
 *
 * <p>Why a stage and not the model: the model reads a typo as sub-word pieces it has rarely seen
 * together and leaves most of them (it fixes one typo in five on the synthetic set), while the word list
 * and the counts find the word behind nearly all of them (see the model card's spelling stage).
 */
public final class SpellingCorrector {

    private static final int MIN_LENGTH = 4;
    /**
     * How much rarer a letter typed for another is when it is neither a vowel for a vowel nor a neighbouring
     * key: a noisy channel in its simplest form (Kernighan, Church and Gale 1990 count such slips). Without it
     * the commonest word wins alone: "writter" would become "written", not "writer".
     */
    private static final int UNLIKELY_SLIP = 10;

    private final Lexicon lex;

    public SpellingCorrector(Lexicon lex) {
        this.lex = lex;
    }

    /** The correction of {@code word}, or null when it is no typo the stage corrects (see the class comment). */
    public String correction(String word) {
        if (word.length() < MIN_LENGTH || !isLowerAscii(word) || lex.isWord(word)) return null;
        // "goed", "buyed": a verb form, which the tense stage corrects (TenseCorrector); one slip away lies a wrong word ("good", "buyer")
        if (lex.irregularPastFor(word) != null) return null;
        String listed = lex.correctionOf(word);   // a real misspelling with one certain correction, however often web text has it
        if (listed != null) return listed;
        if (lex.count(word) > 0) return null;
        String best = null;
        int bestScore = 0;
        for (Slip slip : slips(word)) {
            int score = knownCount(slip.word()) / (slip.likely() ? 1 : UNLIKELY_SLIP);
            // commoner wins; equal scores go to the alphabetically first, so the answer does not hang on the search order
            if (score > bestScore || score > 0 && score == bestScore && slip.word().compareTo(best) < 0) {
                best = slip.word();
                bestScore = score;
            }
        }
        return best;
    }

    /** A string one slip from the typed word; {@code likely} unless it changes a letter to an unlikely one. */
    private record Slip(String word, boolean likely) {}

    /** Every string one slip from {@code word}: a letter dropped, two neighbours swapped, a letter changed, a letter added. */
    private static List<Slip> slips(String word) {
        List<Slip> out = new ArrayList<>(54 * word.length() + 26);
        for (int i = 0; i <= word.length(); i++) {
            String head = word.substring(0, i);
            if (i < word.length()) out.add(new Slip(head + word.substring(i + 1), true));
            if (i + 1 < word.length()) out.add(new Slip(head + word.charAt(i + 1) + word.charAt(i) + word.substring(i + 2), true));
            for (char letter = 'a'; letter <= 'z'; letter++) {
                if (i < word.length() && letter != word.charAt(i))
                    out.add(new Slip(head + letter + word.substring(i + 1), likelySubstitution(word.charAt(i), letter)));
                out.add(new Slip(head + letter + word.substring(i), true));
            }
        }
        return out;
    }

    /** {@code text} with each typo replaced by its correction; spacing, punctuation and every other word as they were. */
    public String correct(String text) {
        TextSplice out = new TextSplice(text);
        for (WordDiff.Token t : WordDiff.tokenize(text)) {
            String c = t.isWord() ? correction(t.text()) : null;
            if (c != null) out.replace(t.start(), t.end(), c);
        }
        return out.result();
    }

    /** The candidate's count in the training text when it is also in the word list, else 0. */
    private int knownCount(String candidate) {
        int n = lex.count(candidate);
        return n > 0 && lex.isWord(candidate) ? n : 0;
    }

    /** A vowel typed for a vowel, or a key beside the intended one ({@link Keyboard#adjacent}). */
    static boolean likelySubstitution(char typed, char meant) {
        return isVowel(typed) && isVowel(meant) || Keyboard.adjacent(typed, meant);
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }

    private static boolean isLowerAscii(String w) {
        for (int i = 0; i < w.length(); i++) {
            char ch = w.charAt(i);
            if (ch < 'a' || ch > 'z') return false;
        }
        return true;
    }
}
