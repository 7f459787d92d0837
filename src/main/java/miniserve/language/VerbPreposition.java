package miniserve.language;

import miniserve.language.Lexicon.PrepositionSlip;
import miniserve.language.Lexicon.VerbForm;
import miniserve.language.Lexicon.VerbReading;
import miniserve.language.WordDiff.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tutor's stage for the prepositions verbs and adjectives take, after the model, from the lexicon's
 * hand-written tables of learners' slips ({@link Lexicon#prepositionSlips}, {@link Lexicon#prepositionLearnersAdd}):
 * the wrong preposition replaced ("depend of" → "depend on", "interested about" → "interested in"), the missing
 * one put in ("listen music" → "listen to music", "explain me" → "explain to me"), the one too many taken out
 * ("discussed about the plan" → "discussed the plan").
 *
 * <p>Only where the table's slip is certain here: a slip with two possible corrections ("arrive to": "at" or
 * "in"?) is left; a word that may be a noun as written ("the answer to", "a visit to", "a lack of") counts only
 * in a plainly verbal form ("answered to"); "to" before a verb's base form is an infinitive ("contacted to ask");
 * and the verbs whose preposition is sometimes right ("attend to", "call to", "enter into an agreement", "married
 * with two children", "meet with", "order for", "told to go") are left out. A missing preposition is put in only
 * before an object ("listen music", "explain me"; not "explain it", "explain her plan").
 */
public final class VerbPreposition {

    /** Verbs of the insertion table whose preposition is right in some sentences. */
    private static final Set<String> SOMETIMES_RIGHT = Set.of("attend", "call", "enter", "marry", "meet", "order", "tell");
    /** Objects "explain" takes only through "to": not "it", nor "her", which may begin "her plan". */
    private static final Set<String> PERSON_OBJECTS = Set.of("me", "him", "us", "them", "you");

    private final Lexicon lex;

    public VerbPreposition(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with its verbs' and adjectives' prepositions as the tables have them (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            String w = WordDiff.lower(tokens, k), next = WordDiff.lower(tokens, k + 1), after = WordDiff.lower(tokens, k + 2);
            if (!tokens.get(k + 1).isWord()) continue;
            boolean verbal = !lex.isNoun(w) && lex.singulars(w).isEmpty();    // "answered", not "answer" or "answers"
            String before = WordDiff.lower(tokens, k - 1);
            if (Lexicon.DETERMINER_LIKE.contains(before) || lex.isPreposition(before)) continue;   // a noun: "by reply"
            for (String head : heads(w)) {
                String right = replacement(head, verbal, next, after);
                if (right != null) {
                    Token prep = tokens.get(k + 1);
                    if (right.isEmpty()) out.replace(tokens.get(k).end(), prep.end(), "");              // with its space
                    else if (lex.isPreposition(next)) out.replace(prep.start(), prep.end(), right);
                    else out.replace(prep.start(), prep.start(), right + " ");                          // put in
                    k++;
                    break;
                }
            }
        }
        return out.result();
    }

    /**
     * What the word after {@code head} (a verb's base or an adjective) should be when {@code next} follows it: the
     * right preposition, "" to take {@code next} out (only after a word that is {@code verbal}, no noun as written), or
     * null to leave it.
     */
    private String replacement(String head, boolean verbal, String next, String after) {
        if (lex.isPreposition(next)) {
            if (next.equals("to") && lex.canBe(after, VerbForm.BASE)) return null;                                       // an infinitive
            String added = lex.prepositionLearnersAdd(head);
            if (verbal && next.equals(added) && !SOMETIMES_RIGHT.contains(head)) return "";
            List<String> rights = new ArrayList<>();
            for (PrepositionSlip slip : lex.prepositionSlips(head)) if (slip.wrong().equals(next)) rights.add(slip.right());
            return rights.size() == 1 ? rights.getFirst() : null;
        }
        for (PrepositionSlip slip : lex.prepositionSlips(head)) {
            if (!slip.wrong().isEmpty()) continue;
            boolean object = head.equals("explain") ? PERSON_OBJECTS.contains(next)
                    : Lexicon.OBJECT_PRONOUNS.contains(next) || Lexicon.DETERMINER_LIKE.contains(next) && !next.equals("of")
                    || (lex.isNoun(next) && !lex.isVerb(next) && !lex.isAdverb(next) || !lex.singulars(next).isEmpty())
                    && !FinishedTime.CLAUSE_WORDS.contains(next);                                      // not "or"
            if (object) return slip.right();
        }
        return null;
    }

    /** The heads {@code w} may stand for in the tables: itself (an adjective or a verb's base), and its verb's base. */
    private List<String> heads(String w) {
        List<String> out = new ArrayList<>(List.of(w));
        for (VerbReading r : lex.verbReadings(w)) if (!out.contains(r.base())) out.add(r.base());
        return out;
    }

}
