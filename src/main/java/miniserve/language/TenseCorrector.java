package miniserve.language;

import miniserve.language.Lexicon.VerbForm;
import miniserve.language.Lexicon.VerbReading;
import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tutor's tense stage, after the model: a present verb in a clause with a finished time ("Yesterday I
 * eat pizza.", "I see him two days ago.", "Last year we are in Spain.") is put in the past simple, the only
 * tense such a clause takes; so is a present perfect there ("I have seen him yesterday." → "I saw him
 * yesterday."), and a present verb right after "and" whose partner before it is in the past ("Last night she
 * watched a film and go to bed." → "went"). The clause is read as the error generator reads it
 * ({@link FinishedTime#inClause}).
 *
 * <p>A present verb whose clause runs from now back to a point named after "since" takes the present perfect
 * ("I live here since 2010." → "I have lived here since 2010.", "She is here since Monday." → "She has been
 * here since Monday.", "We are waiting since last week." → "We have been waiting"): a year, a day or month
 * name, "last" with a unit of time, "yesterday" or "then"; not "since" before a clause, which may mean
 * "because" ("I stay home since it rains").
 *
 * <p>Only a verb right after its subject, and only a subject that fixes the verb's person: a subject
 * pronoun, or a noun after "the" or a possessive when the verb is no noun itself ("my sister is", "the
 * children are"; not "my friends play"). A form that is also a past ("put", "read") is left alone. Why a
 * stage: the model leaves most of these errors, though its training data has them (it fixes about a third of
 * the synthetic set's tense errors and none of the README's "Yesterday I eat").
 *
 * <p>Anywhere, with or without a time word, an irregular verb given a regular ending gets its own past, or its
 * participle after "have": "goed" → "went", "have writed" → "have written" ({@link Lexicon#irregularVerbFor}).
 * Such a form is never a word, and the model, which sees it as sub-word pieces, leaves most of them.
 */
public final class TenseCorrector {

    private static final Map<String, String> PAST_OF_AUXILIARY = Map.ofEntries(
            Map.entry("am", "was"), Map.entry("is", "was"), Map.entry("are", "were"),
            Map.entry("isn't", "wasn't"), Map.entry("aren't", "weren't"),
            Map.entry("do", "did"), Map.entry("does", "did"), Map.entry("don't", "didn't"), Map.entry("doesn't", "didn't"),
            Map.entry("has", "had"), Map.entry("have", "had"));
    /** After "have": "have to", "have got", "have been" are left as they are (the past they want is not clear). */
    private static final Set<String> NOT_AFTER_HAVE = Set.of("to", "got", "been");
    /**
     * Words that start what follows a verb, not a noun, so that a present form between "and" and one of them is a
     * verb ("and go to bed", "and buy some milk"; not "bread and milk." nor "bread and milk from the shop").
     */
    private static final Set<String> AFTER_A_VERB = Set.of("a", "an", "the", "my", "your", "his", "her", "its", "our",
            "their", "some", "any", "this", "that", "these", "those", "me", "him", "us", "them", "to", "home", "back",
            "out", "up", "away");
    /** Words between a verb and a later "and" that show the verb after "and" is not the first one's partner ("to go and see" below). */
    private static final Set<String> NOT_ACROSS = Set.of("not", "never");
    /** Determiners after which a noun is a subject whose verb follows it: "my sister", "the children". */
    private static final Set<String> SUBJECT_DETERMINERS = Set.of("the", "my", "your", "his", "her", "its", "our", "their");

    private final Lexicon lex;

    public TenseCorrector(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with the present verbs of its finished-time clauses in the past simple (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        boolean[] inPast = new boolean[tokens.size()];        // verbs in the past, as written or as made here (read by hasPastPartner)
        for (int i = 1; i < tokens.size(); i++) {
            Token verb = tokens.get(i);
            String w = verb.text();
            String lw = WordDiff.lower(tokens, i);
            inPast[i] = lex.isPast(lw) && !lex.isNoun(lw) && !lex.isAdjective(lw);    // "watched"; not "set", "used"
            Lexicon.VerbForms irregular = lex.irregularVerbFor(w);
            if (irregular != null) {
                // "goed" -> "went", "have buyed" -> "have bought": never a word, whatever the clause's time
                out.replace(verb.start(), verb.end(),
                        Lexicon.HAVE_FORMS.contains(WordDiff.lower(tokens, i - 1)) ? irregular.pastParticiple() : irregular.past());
                continue;
            }
            if (!w.equals(WordDiff.lower(tokens, i))) continue;
            boolean partnerInPast = WordDiff.lower(tokens, i - 1).equals("and") && hasPastPartner(tokens, i - 1, inPast);
            if (partnerInPast && AFTER_A_VERB.contains(WordDiff.lower(tokens, i + 1))) {
                // "Last night she watched a film and go to bed": the second verb shares the first one's subject and time
                String pastForm = pastOfPresent(w);
                if (pastForm != null) {
                    out.replace(verb.start(), verb.end(), pastForm);
                    inPast[i] = true;
                }
                continue;
            }
            if (!isSubjectBefore(tokens, i)) continue;
            String perfect = sincePerfect(tokens, i);
            if (perfect != null) {
                out.replace(verb.start(), verb.end(), perfect);
                continue;
            }
            String next = WordDiff.lower(tokens, i + 1);
            String pastOfParticiple = w.equals("have") || w.equals("has") ? participle(next) : null;
            int end = verb.end();
            String past;
            boolean finished;
            if (pastOfParticiple != null) {
                // "I have seen him yesterday" -> "I saw him yesterday"; the time may follow the participle
                past = pastOfParticiple;
                end = tokens.get(i + 1).end();
                finished = FinishedTime.inClause(lex, tokens, i) || FinishedTime.inClause(lex, tokens, i + 1);
            } else if (PAST_OF_AUXILIARY.containsKey(w)) {
                if (NOT_AFTER_HAVE.contains(next)) continue;
                past = PAST_OF_AUXILIARY.get(w);
                finished = FinishedTime.inClause(lex, tokens, i);
            } else {
                // "Yesterday the school bus was late": a verb right after is the clause's verb, and this word a noun
                if (PAST_OF_AUXILIARY.containsKey(next) || Lexicon.MODALS.contains(next) || lex.isPast(next)) continue;
                past = pastOfPresent(w);
                finished = past != null && FinishedTime.inClause(lex, tokens, i);
            }
            if (past == null || !finished) continue;
            out.replace(verb.start(), end, past);
            inPast[i] = true;
            if (end != verb.end()) i++;
        }
        return out.result();
    }

    /**
     * The present perfect for the present verb at {@code i} when its clause names a point after "since" ("live" →
     * "have lived", "is" → "has been", "am" before "waiting" → "have been"); null otherwise, and for a negative
     * or a verb that is also a past ("put").
     */
    private String sincePerfect(List<Token> tokens, int i) {
        String w = WordDiff.lower(tokens, i);
        if (!sinceAPointInClause(tokens, i)) return null;
        if (w.equals("is")) return "has been";
        if (w.equals("am") || w.equals("are")) return "have been";
        if (lex.isPast(w) || Lexicon.isAuxiliary(w) || Lexicon.MODALS.contains(w)) return null;
        VerbReading present = null;                  // not presentReading: right after its subject, "live" is no adverb
        for (VerbReading r : lex.verbReadings(w)) if (r.form() == VerbForm.BASE || r.form() == VerbForm.THIRD_PERSON) present = r;
        if (present == null) return null;
        String participle = lex.verbForms(present.base()).pastParticiple();
        return (present.form() == VerbForm.THIRD_PERSON ? "has " : "have ") + participle;
    }

    /** Whether, after the verb at {@code i} and before a mark or another clause, "since" names a point in time. */
    private boolean sinceAPointInClause(List<Token> tokens, int i) {
        for (int k = i + 1; k + 1 < tokens.size() && tokens.get(k).isWord(); k++) {
            String w = WordDiff.lower(tokens, k), next = WordDiff.lower(tokens, k + 1);
            if (w.equals("since")) {
                return next.matches("1[89][0-9][0-9]|20[0-9][0-9]") || next.equals("yesterday") || next.equals("then")
                        || next.endsWith("day") && FinishedTime.TIME_UNITS.contains(next)
                        || FinishedTime.MONTHS.contains(next) && Character.isUpperCase(tokens.get(k + 1).text().charAt(0))
                        || next.equals("last") && FinishedTime.TIME_UNITS.contains(WordDiff.lower(tokens, k + 2));
            }
            if (FinishedTime.CLAUSE_WORDS.contains(w) || Lexicon.SUBJECT_PRONOUNS.contains(w) || w.equals("not") || w.endsWith("n't")) return false;
        }
        return false;
    }

    /**
     * Whether the verb of the first half of "... and VERB" is in the past and its clause has a finished time, the
     * word at {@code and} being that "and": read back from "and" over its object ("watched a film and") to the first
     * verb in the past; false when a mark, a clause word, a subject, "to" before a verb, a modal or "do" comes first (their verb
     * after "and" is another's partner: "to go and see", "will come and help").
     */
    private boolean hasPastPartner(List<Token> tokens, int and, boolean[] inPast) {
        for (int k = and - 1; k > 0 && k >= and - 6 && tokens.get(k).isWord(); k--) {
            String w = WordDiff.lower(tokens, k);
            if (inPast[k]) return FinishedTime.inClause(lex, tokens, k);
            boolean infinitive = w.equals("to") && lex.canBe(WordDiff.lower(tokens, k + 1), VerbForm.BASE);  // not "to the shop"
            if (FinishedTime.CLAUSE_WORDS.contains(w) || Lexicon.SUBJECT_PRONOUNS.contains(w) || NOT_ACROSS.contains(w) || infinitive
                    || Lexicon.MODALS.contains(w) || Lexicon.DO_FORMS.contains(w) || Lexicon.isAuxiliary(w)) return false;
        }
        return false;
    }

    /**
     * Whether the word before {@code i} is the subject of the word at {@code i}: a subject pronoun that opens its
     * clause (not an object or a question's subject: "I give you book", "Did you go"), or a noun after "the" or a possessive
     * when the word at {@code i} is no noun itself ("the school bus").
     */
    private boolean isSubjectBefore(List<Token> tokens, int i) {
        String prev = WordDiff.lower(tokens, i - 1), beforePrev = WordDiff.lower(tokens, i - 2);
        if (Lexicon.SUBJECT_PRONOUNS.contains(prev)) return !prev.equals("who") && AgreementCorrector.opensClause(lex, tokens, i - 1);
        return isNounForm(prev) && SUBJECT_DETERMINERS.contains(beforePrev)
                && (PAST_OF_AUXILIARY.containsKey(WordDiff.lower(tokens, i)) || !isNounForm(WordDiff.lower(tokens, i)));
    }

    /** A noun or a noun's plural ("child", "children"). */
    private boolean isNounForm(String w) {
        return lex.isNoun(w) || !lex.singulars(w).isEmpty();
    }

    /**
     * The past of a base or third-person form ("eat", "visits"); null for any other word, or one that is also a
     * past ("put") or an adverb. Right after its subject, a word that is also an adjective or a preposition is the
     * verb ("she go", "I like").
     */
    private String pastOfPresent(String w) {
        VerbReading present = lex.presentReading(w, VerbForm.BASE, VerbForm.THIRD_PERSON);
        return present == null ? null : lex.verbForms(present.base()).past();
    }

    /** The past of the verb whose past participle {@code w} is ("seen" → "saw", "visited"); null otherwise, and for "been". */
    private String participle(String w) {
        if (w.equals("been")) return null;                     // "I have been there last year": "went"? "was"? not clear
        String base = null;
        for (VerbReading r : lex.verbReadings(w)) if (r.form() == VerbForm.PAST_PARTICIPLE) base = r.base();
        if (base == null) return null;
        return lex.verbForms(base).past();
    }
}
