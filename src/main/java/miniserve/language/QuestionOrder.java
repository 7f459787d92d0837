package miniserve.language;

import miniserve.language.WordDiff.Token;

import java.util.List;

/**
 * The tutor's stage for the word order of a question, after the model: a question that opens with a question
 * word puts its auxiliary before its subject ("Where we do vote?" → "Where do we vote?", "Why you are sad?" →
 * "Why are you sad?", "What she can do?" → "What can she do?"). Only a sentence that ends with "?", opens with
 * the question word and has a subject pronoun and an auxiliary right after it: a clause such as "what we do is
 * ..." is no question, and "Who is he?" is in order already. Why a stage: the model corrects none of the
 * synthetic set's word-order errors, and this one is among the commonest of beginners.
 */
public final class QuestionOrder {


    private final Lexicon lex;

    /** A subject pronoun with a person ("who" has none to invert with). */
    private static boolean isPronoun(String w) {
        return Lexicon.THIRD_PERSON_PRONOUNS.contains(w) || Lexicon.NON_THIRD_PERSON_PRONOUNS.contains(w);
    }

    public QuestionOrder(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with a question's subject pronoun and auxiliary in question order (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        int n = tokens.size();
        String first = WordDiff.lower(tokens, 0);
        // not "who", which is mostly the question's subject itself ("Who is he?")
        if (n < 4 || !tokens.get(n - 1).text().equals("?") || !Lexicon.QUESTION_WORDS.contains(first) || first.equals("who")) return text;
        // "How many books you have?": the question word may take one word with it
        if (Lexicon.isAuxiliary(WordDiff.lower(tokens, 1))) return text;     // "What should I do?" is in order
        int s = isPronoun(WordDiff.lower(tokens, 1)) ? 1 : 2;
        if (s + 2 >= n || !isPronoun(WordDiff.lower(tokens, s))) return text;
        Token subject = tokens.get(s), auxiliary = tokens.get(s + 1);
        String aux = WordDiff.lower(tokens, s + 1);
        if (!Lexicon.isAuxiliary(aux) || !auxiliary.text().equals(aux)) return text;
        // "have" is an auxiliary only before a participle ("What you have done?"); "What she has?" wants "does she have"
        if (Lexicon.HAVE_FORMS.contains(aux) && !lex.canBe(WordDiff.lower(tokens, s + 2), Lexicon.VerbForm.PAST_PARTICIPLE)) return text;
        return text.substring(0, subject.start()) + auxiliary.text() + " " + subject.text() + text.substring(auxiliary.end());
    }
}
