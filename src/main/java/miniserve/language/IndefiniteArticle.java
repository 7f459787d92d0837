package miniserve.language;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * "a" or "an" by the sound of the next word, judged by its spelling with the common exceptions: "an
 * apple", "a university", "an hour", "a one-day trip", "an FBI agent" (a word in capitals is read letter
 * by letter). The tutor's article stage runs it on the model's answer, leaving alone an article before a
 * word in capitals, which may be an abbreviation or a shouted word ("a HUGE number"); the rules baseline
 * of the evaluation uses the same judgement everywhere.
 */
public final class IndefiniteArticle {

    private static final Set<String> SILENT_H = Set.of("hour", "hours", "hourly", "honest", "honestly", "honour", "honor",
            "honourable", "honorable", "heir", "heiress");
    /** Spellings that start with a vowel letter and the sound of "y" or "w": "a unit", "a user", "a Europe trip". */
    private static final List<String> YOU_PREFIXES = List.of("uni", "use", "usu", "uti", "ubi", "eu", "ewe");
    /** "un-" before "i"/"m"/"n"/"d" after "uni": "an uninformed", "an unimportant", "an unidentified" keep their vowel. */
    private static final List<String> UN_PREFIXES = List.of("unin", "unim", "unid");
    /** Letters whose names start with a vowel sound: "an FBI agent", "an MBA", "an HR manager". */
    private static final String VOWEL_NAMED_LETTERS = "aefhilmnorsx";

    private IndefiniteArticle() {
    }

    /** Whether {@code word} starts with a vowel sound; false for a word that does not start with a letter. */
    public static boolean startsWithVowelSound(String word) {
        if (word.isEmpty() || !Character.isLetter(word.charAt(0))) return false;
        String w = word.toLowerCase(Locale.ROOT);
        if (SILENT_H.contains(w)) return true;
        if (w.equals("one") || w.equals("once") || w.startsWith("one-")) return false;
        if (YOU_PREFIXES.stream().anyMatch(w::startsWith) && UN_PREFIXES.stream().noneMatch(w::startsWith)) return false;
        if (inCapitals(word)) return VOWEL_NAMED_LETTERS.indexOf(w.charAt(0)) >= 0;
        return "aeiou".indexOf(w.charAt(0)) >= 0;
    }

    /** Two letters or more, all capitals ("FBI", "HUGE"). */
    private static boolean inCapitals(String word) {
        return word.length() > 1 && word.equals(word.toUpperCase(Locale.ROOT));
    }

    /** "a" or "an" as {@code word}'s sound asks, in the case of {@code article} ("A" stays capital). */
    public static String articleFor(String article, String word) {
        String right = startsWithVowelSound(word) ? "an" : "a";
        return Character.isUpperCase(article.charAt(0)) ? Character.toUpperCase(right.charAt(0)) + right.substring(1) : right;
    }

    /**
     * {@code text} with each "a"/"an" that stands before a word set by that word's sound. Only a lower-case
     * article, or a capital one that starts the text: a capital "A" inside a sentence is more often a
     * letter ("Plan A is ...") than an article. Not before a letter or a word in capitals: "a HUGE
     * number" is right, "an FBI agent" too, and spelling cannot tell them apart.
     */
    public static String correct(String text) {
        List<WordDiff.Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int i = 0; i + 1 < tokens.size(); i++) {
            WordDiff.Token t = tokens.get(i), next = tokens.get(i + 1);
            String a = t.text();
            boolean article = a.equals("a") || a.equals("an") || i == 0 && (a.equals("A") || a.equals("An"));
            String word = next.text();
            if (!article || !next.isWord() || !Character.isLetter(word.charAt(0)) || word.equals(word.toUpperCase(Locale.ROOT))) continue;
            String right = articleFor(a, word);
            if (!right.equals(a)) out.replace(t.start(), t.end(), right);
        }
        return out.result();
    }
}
