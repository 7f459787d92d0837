package miniserve.eval;

import java.util.List;
import java.util.function.Function;
import miniserve.language.IndefiniteArticle;
import miniserve.language.SentenceStart;
import miniserve.language.WordDiff;
import miniserve.language.WordDiff.Token;

/** Simple correctors that the tutor model must beat, measured by {@link Evaluation} on the same sentences. */
public final class Baselines {

    private Baselines() {
    }

    /** Returns every sentence unchanged (the floor: its GLEU on JFLEG dev is the published 0.3820). */
    public static Function<List<String>, List<String>> copySource() {
        return List::copyOf;
    }

    /**
     * A few safe rules that need no context: a capital letter at the start of the sentence, "I" for a
     * lone "i" (and "i'm", "i've", ...), "a"/"an" chosen by the next word's sound ({@link IndefiniteArticle}),
     * and a full stop at the end when
     * the sentence ends with a word.
     */
    public static Function<List<String>, List<String>> simpleRules() {
        return sentences -> sentences.stream().map(Baselines::applyRules).toList();
    }

    static String applyRules(String sentence) {
        List<Token> tokens = WordDiff.tokenize(sentence);
        if (tokens.isEmpty()) return sentence;
        StringBuilder sb = new StringBuilder(sentence);
        // Right to left, so earlier offsets stay valid.
        Token last = tokens.get(tokens.size() - 1);
        if (last.isWord()) sb.insert(last.end(), '.');
        for (int i = tokens.size() - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            String text = t.text();
            String replacement = text;
            if (text.equals("i") || text.startsWith("i'") || text.startsWith("i\u2019")) {
                replacement = "I" + text.substring(1);
            } else if ((text.equalsIgnoreCase("a") || text.equalsIgnoreCase("an")) && i + 1 < tokens.size() && tokens.get(i + 1).isWord()) {
                replacement = IndefiniteArticle.articleFor(text, tokens.get(i + 1).text());
            }
            if (!replacement.equals(text)) sb.replace(t.start(), t.end(), replacement);
        }
        return SentenceStart.capitalise(sb.toString());
    }
}
