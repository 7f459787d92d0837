package miniserve.language;

import java.util.Locale;

/**
 * A sentence starts with a capital letter. The tutor's last stage after the model gives its answer one
 * when the first word is in lower case ("my friend is ..." → "My friend is ..."); the rules baseline
 * of the evaluation does the same. A word with a capital inside ("iPhone", "eBay") is left as it is.
 */
public final class SentenceStart {

    private SentenceStart() {
    }

    /** {@code text} with its first word capitalised when that word is all in lower case; else {@code text} itself. */
    public static String capitalise(String text) {
        // the first word, after any opening quote or bracket
        WordDiff.Token first = WordDiff.tokenize(text).stream().filter(WordDiff.Token::isWord).findFirst().orElse(null);
        if (first == null) return text;
        String w = first.text();
        if (!Character.isLowerCase(w.codePointAt(0)) || !w.equals(w.toLowerCase(Locale.ROOT))) return text;
        return text.substring(0, first.start()) + Character.toUpperCase(w.charAt(0)) + text.substring(first.start() + 1);
    }
}
