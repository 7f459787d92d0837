package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;

/**
 * The tutor's stage for doubled comparison, after the model: "more" before a comparative and "most" before a
 * superlative are one too many ("more taller" → "taller", "the most biggest" → "the biggest", "more better" →
 * "better"). The comparative is an adjective's own -er or -est form ({@link Lexicon#isComparative}), never a
 * noun ("more water", "more power"). Why a stage: the model, which sees the error seldom, leaves it.
 */
public final class DoubleComparative {

    private final Lexicon lex;

    public DoubleComparative(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} without the "more" of "more taller" and the "most" of "most biggest". */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            String degree = WordDiff.lower(tokens, k), next = tokens.get(k + 1).text();
            if (!next.equals(WordDiff.lower(tokens, k + 1))) continue;
            boolean doubled = degree.equals("more") && lex.isComparative(next) || degree.equals("most") && lex.isSuperlative(next);
            // the word goes with the space after it
            if (doubled) out.replace(tokens.get(k).start(), tokens.get(k + 1).start(), "");
        }
        return out.result();
    }
}
