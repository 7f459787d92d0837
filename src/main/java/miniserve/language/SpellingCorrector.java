package miniserve.language;

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
        String listed = lex.correctionOf(word);   // a real misspelling with one certain correction, however often web text has it
        if (listed != null) return listed;
        if (lex.count(word) > 0) return null;
        String best = null;
        int bestCount = 0;
        StringBuilder b = new StringBuilder(word.length() + 1);
        for (int i = 0; i <= word.length(); i++) {
            // dropped, then swapped with the next, then each letter in its place or added before it
            if (i < word.length()) {
                b.setLength(0);
                b.append(word, 0, i).append(word, i + 1, word.length());
                String c = b.toString();
                int n = knownCount(c);
                if (better(n, c, bestCount, best)) { best = c; bestCount = n; }
            }
            if (i + 1 < word.length()) {
                b.setLength(0);
                b.append(word, 0, i).append(word.charAt(i + 1)).append(word.charAt(i)).append(word, i + 2, word.length());
                String c = b.toString();
                int n = knownCount(c);
                if (better(n, c, bestCount, best)) { best = c; bestCount = n; }
            }
            for (char letter = 'a'; letter <= 'z'; letter++) {
                if (i < word.length() && letter != word.charAt(i)) {
                    b.setLength(0);
                    b.append(word, 0, i).append(letter).append(word, i + 1, word.length());
                    String c = b.toString();
                    int n = likelySubstitution(word.charAt(i), letter) ? knownCount(c) : knownCount(c) / UNLIKELY_SLIP;
                    if (better(n, c, bestCount, best)) { best = c; bestCount = n; }
                }
                b.setLength(0);
                b.append(word, 0, i).append(letter).append(word, i, word.length());
                String c = b.toString();
                int n = knownCount(c);
                if (better(n, c, bestCount, best)) { best = c; bestCount = n; }
            }
        }
        return best;
    }

    /** {@code text} with each typo replaced by its correction; spacing, punctuation and every other word as they were. */
    public String correct(String text) {
        StringBuilder out = null;
        int copied = 0;
        for (WordDiff.Token t : WordDiff.tokenize(text)) {
            if (!t.isWord()) continue;
            String c = correction(t.text());
            if (c == null) continue;
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copied, t.start()).append(c);
            copied = t.end();
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** The candidate's count in the training text when it is also in the word list, else 0. */
    private int knownCount(String candidate) {
        int n = lex.count(candidate);
        return n > 0 && lex.isWord(candidate) ? n : 0;
    }

    /** Commoner wins; equal counts go to the alphabetically first, so the answer does not hang on the search order. */
    private static boolean better(int n, String c, int bestCount, String best) {
        return n > bestCount || (n > 0 && n == bestCount && c.compareTo(best) < 0);
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
