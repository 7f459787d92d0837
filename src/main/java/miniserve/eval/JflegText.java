package miniserve.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Converts between JFLEG's pre-tokenized text and ordinary text. JFLEG (like the Penn Treebank
 * convention it follows) separates punctuation and clitics with spaces ({@code "do n't"},
 * {@code "it 's"}, {@code "word ."}), splits the final full stop of a line only, keeps full stops
 * inside a line attached ({@code "car. Then"}), and separates adjacent digits ({@code "2 0 0 6"}).
 * The model reads and writes ordinary text, so evaluation detokenizes a source before the model and
 * tokenizes the model's output before scoring it against JFLEG's references.
 */
public final class JflegText {

    /** Tokens written without a space before them. */
    private static final Set<String> CLOSING = Set.of(",", ".", ";", ":", "?", "!", "%", ")", "]", "}", "...");
    /** Tokens written without a space after them. */
    private static final Set<String> OPENING = Set.of("(", "[", "{");
    /** Clitics split off the word before them (compared lower-cased). */
    private static final List<String> CLITICS = List.of("n't", "'s", "'re", "'ve", "'m", "'ll", "'d");
    /** Characters split off the end of a word (the full stop only at the end of a line). */
    private static final String TRAILING = ",;:?!\")]}%";
    private static final String LEADING = "\"([{";

    private JflegText() {}

    /** JFLEG text → ordinary text: {@code "I do n't know , he said ."} → {@code "I don't know, he said."}. */
    public static String detokenize(String jfleg) {
        String[] tokens = Gleu.tokens(jfleg);
        StringBuilder out = new StringBuilder(jfleg.length());
        boolean glueNext = true;
        int doubleQuotes = 0;
        String prev = null;
        for (String t : tokens) {
            boolean glue = glueNext;
            glueNext = false;
            if (CLOSING.contains(t) || isPunctuationRun(t)) glue = true;
            else if (prev != null && isClitic(t)) glue = true;
            else if ("'".equals(t) && prev != null && endsWithS(prev)) glue = true; // "years ' time" -> "years' time"
            else if ("\"".equals(t)) {
                doubleQuotes++;
                if (doubleQuotes % 2 == 1) glueNext = true; // opening: attach to the next word
                else glue = true;                             // closing: attach to the word before
            } else if (prev != null && endsWithDigit(prev) && startsWithDigit(t)) glue = true; // "2 0 0 6" -> "2006"
            if (OPENING.contains(t)) glueNext = true;
            if (!glue && !out.isEmpty()) out.append(' ');
            out.append(t);
            prev = t;
        }
        return out.toString();
    }

    /** Ordinary text → JFLEG tokens joined by single spaces: {@code "I don't know, he said."} → {@code "I do n't know , he said ."}. */
    public static String tokenize(String text) {
        // JFLEG is ASCII: typographic quotes and the ellipsis character become their ASCII forms
        String normalized = text.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u201C', '"').replace('\u201D', '"')
                .replace("\u2026", "...");
        String[] words = Gleu.tokens(normalized);
        List<String> out = new ArrayList<>();
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            boolean lastWord = w == words.length - 1;
            int start = 0;
            while (start < word.length() - 1 && LEADING.indexOf(word.charAt(start)) >= 0) out.add(String.valueOf(word.charAt(start++)));
            List<String> trailing = new ArrayList<>();
            int end = word.length();
            boolean fullStopTaken = false;
            while (end > start + 1) {
                char c = word.charAt(end - 1);
                if (word.startsWith("...", end - 3) && end - 3 >= start) {
                    if (end - 3 == start) break;
                    trailing.add(0, "...");
                    end -= 3;
                    fullStopTaken = true;
                } else if (TRAILING.indexOf(c) >= 0 && !closesInside(word, start, end) && !endsEntity(word, start, end)) {
                    trailing.add(0, String.valueOf(c));
                    end--;
                } else if (c == '.' && lastWord && !fullStopTaken) {
                    trailing.add(0, ".");
                    end--;
                    fullStopTaken = true;
                } else if (c == '\'' && (word.charAt(end - 2) == 's' || word.charAt(end - 2) == 'S')) {
                    trailing.add(0, "'"); // "years'" -> "years '"
                    end--;
                } else {
                    break;
                }
            }
            String core = word.substring(start, end);
            String clitic = clitic(core);
            if (clitic != null) {
                splitDigits(core.substring(0, core.length() - clitic.length()), out);
                out.add(clitic);
            } else {
                splitDigits(core, out);
            }
            out.addAll(trailing);
        }
        return String.join(" ", out);
    }

    /** A closing bracket whose opening one is inside the word, as in {@code "heat(energy)"}: kept. */
    private static boolean closesInside(String word, int start, int end) {
        char c = word.charAt(end - 1);
        char open = c == ')' ? '(' : c == ']' ? '[' : c == '}' ? '{' : 0;
        return open != 0 && word.lastIndexOf(open, end - 2) >= start;
    }

    /** The ';' of an HTML entity such as JFLEG's {@code "&raspsquo;"}: kept. */
    private static boolean endsEntity(String word, int start, int end) {
        if (word.charAt(end - 1) != ';') return false;
        int amp = word.lastIndexOf('&', end - 2);
        if (amp < start || end - amp < 3) return false;
        for (int i = amp + 1; i < end - 1; i++) if (!Character.isLetterOrDigit(word.charAt(i)) && word.charAt(i) != '#') return false;
        return true;
    }

    private static void splitDigits(String core, List<String> out) {
        if (core.isEmpty()) return;
        int from = 0;
        for (int i = 1; i < core.length(); i++) {
            if (Character.isDigit(core.charAt(i - 1)) && Character.isDigit(core.charAt(i))) {
                out.add(core.substring(from, i));
                from = i;
            }
        }
        out.add(core.substring(from));
    }

    /** The clitic ending {@code word} (as written), if the word has more than the clitic. */
    private static String clitic(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        for (String c : CLITICS)
            if (lower.length() > c.length() && lower.endsWith(c) && Character.isLetter(lower.charAt(lower.length() - c.length() - 1)))
                return word.substring(word.length() - c.length());
        return null;
    }

    private static boolean isClitic(String t) {
        return CLITICS.contains(t.toLowerCase(Locale.ROOT));
    }

    private static boolean isPunctuationRun(String t) {
        for (int i = 0; i < t.length(); i++) if ("?!.".indexOf(t.charAt(i)) < 0) return false;
        return !t.isEmpty();
    }

    private static boolean endsWithS(String t) {
        char c = t.charAt(t.length() - 1);
        return c == 's' || c == 'S';
    }

    private static boolean endsWithDigit(String t) {
        return Character.isDigit(t.charAt(t.length() - 1));
    }

    private static boolean startsWithDigit(String t) {
        return Character.isDigit(t.charAt(0));
    }
}
