package miniserve.language;

import miniserve.language.Lexicon.VerbForm;
import miniserve.language.Lexicon.VerbReading;
import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Set;

/**
 * The tutor's verb-form stage, after the model: the verb an auxiliary governs takes the form the auxiliary asks
 * for. The base form after a modal or a negative "do" ("He can plays", "She will goes", "I didn't knew", "They
 * don't likes"), and after the subject pronoun of a question that opens with "do", "does" or "did" ("Did she
 * finished?", "Where do we voted?", "Does he plays?"); a modal takes no "to" before its verb either ("I must to
 * go" → "I must go"). The past participle after "have" ("has appear" → "has appeared"), where the word is a
 * verb's base form and nothing else: "have" is also a verb of its own, with a noun after it ("we have work to
 * do", "they had lunch"), so a word that is also a noun or an adjective is left alone.
 *
 * <p>Only a word that is plainly a verb form and no base form: a past, a participle or a third person ("saw" is
 * also the verb "to saw", "put" its own past, and are left alone), not a noun's plural beside a pronoun ("Did you
 * guys see"), not a form of "be" (what "didn't was" wants is "wasn't"). "will", "may", "might" and "can" are
 * nouns too ("his will states", "a can holds"): no modal after a determiner counts, nor one with a capital ("Will"). Why a stage: the model makes
 * most of these edits, but misses some of the commonest ("Did she finished her homework?") and leaves "must to".
 *
 * <p>Three verb patterns learners carry over from their own languages: a verb that takes the -ing form, not "to"
 * ("I enjoy to swim" → "I enjoy swimming", "He finished to eat" → "finished eating"); "look forward to", whose
 * "to" is a preposition ("I look forward to hear from you" → "to hearing"); and "let"/"make" with an object
 * pronoun and the bare verb ("Let him to go" → "Let him go", "She made me to cry" → "made me cry"; not "made it
 * to the final"). And the "too" of "would like too invite" is the infinitive's "to", and an irregular verb's past
 * after "to" its base ("attempted to won back" → "to win"; not "to used cars", "to found a company"). Only a word after "to" that can be a verb's base form ("enjoy it to the end" is left), and after
 * "look forward to" one that is no noun unless an object follows it ("look forward to work" may mean the job).
 */
public final class VerbFormCorrector {

    /** Modals and negative "do"s, whose verb follows at once: "can go", "didn't go". */
    private static final Set<String> NEGATIVE_DO = Set.of("don't", "doesn't", "didn't");
    private static final Set<String> NEGATIVE_MODALS = Set.of("can't", "cannot", "couldn't", "won't", "wouldn't",
            "shouldn't", "mustn't", "mightn't", "shan't");
    /** Modals after which learners put "to" ("must to go", "She can to swim"); not "ought", "have", "used", which take it. */
    private static final Set<String> NO_TO_AFTER = Set.of("should", "must", "can", "could");
    /** Words before the subject of a "can"/"could" that ends a clause of its own: "all we can to help", "what I could to". */
    private static final Set<String> CLAUSE_OF_ITS_OWN = Set.of("all", "everything", "anything", "what", "whatever", "as",
            "much", "best", "something", "nothing");
    private static final Set<String> PERFECT_NEGATIVES = Set.of("haven't", "hasn't", "hadn't");
    /**
     * Verbs whose verb after them takes -ing, never "to": "enjoy swimming" (base forms; their other forms count too).
     * Not "practice", "mind", "quit", "delay": as nouns, or with a "to" of purpose, they stand before "to" rightly
     * ("it takes practice to learn", "he quit to join the army").
     */
    private static final Set<String> ING_VERBS = Set.of("enjoy", "finish", "avoid", "imagine", "suggest", "recommend",
            "admit", "postpone", "dislike");
    /** Forms of "let" and "make", after which an object pronoun takes the bare verb: "let him go", "made me cry". */
    static final Set<String> LET_MAKE = Set.of("let", "lets", "letting", "make", "makes", "made", "making");
    /**
     * Verbs whose "to" is a preposition that may end a relative clause ("the man we spoke to said", "the place we
     * went to gave"), so a past after it is the next clause's verb.
     */
    private static final Set<String> STRANDING = Set.of("spoke", "speak", "talked", "talk", "listened", "listen", "went",
            "go", "gone", "came", "come", "belonged", "belong", "replied", "reply", "referred", "refer", "pointed", "sent",
            "gave", "given", "turned", "looked", "moved", "returned", "got", "get", "been", "wrote", "write", "lent", "sold");
    /** Object pronouns after "let"/"make" (not "it": "made it to the final" means "reached"). */
    private static final Set<String> PERSON_OBJECTS = Set.of("me", "you", "him", "her", "us", "them");

    private final Lexicon lex;

    public VerbFormCorrector(Lexicon lex) {
        this.lex = lex;
    }

    /** {@code text} with the verb each auxiliary governs in its base form (see the class comment). */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        for (int i = 1; i < tokens.size(); i++) {
            Token verb = tokens.get(i);
            String w = verb.text();
            if (!w.equals(WordDiff.lower(tokens, i))) continue;
            String prev = WordDiff.lower(tokens, i - 1);
            boolean ownClause = (prev.equals("can") || prev.equals("could")) && CLAUSE_OF_ITS_OWN.contains(WordDiff.lower(tokens, i - 3));
            if (w.equals("to") && NO_TO_AFTER.contains(prev) && !ownClause && isModal(tokens, i - 1) && lex.canBe(WordDiff.lower(tokens, i + 1), VerbForm.BASE)) {
                // "must to go" -> "must go": the "to" goes with the space before it
                out.replace(tokens.get(i - 1).end(), verb.end(), "");
                continue;
            }
            if (w.equals("too") && tooForTo(tokens, i)) {
                out.replace(verb.start(), verb.end(), "to");                                  // "would like too invite"
                continue;
            }
            String afterTo = w.equals("to") ? baseAfterTo(tokens, i + 1) : null;
            if (afterTo != null) {
                out.replace(tokens.get(i + 1).start(), tokens.get(i + 1).end(), afterTo);     // "to won back" -> "to win"
                i++;
                continue;
            }
            if (w.equals("to") && lex.canBe(WordDiff.lower(tokens, i + 1), VerbForm.BASE)
                    && tokens.get(i + 1).text().equals(WordDiff.lower(tokens, i + 1)) && !Lexicon.isAuxiliary(WordDiff.lower(tokens, i + 1))) {
                String after = WordDiff.lower(tokens, i + 1), then = WordDiff.lower(tokens, i + 2);
                String ing = lex.verbForms(after).ing();
                boolean passive = Lexicon.BE_FORMS.contains(WordDiff.lower(tokens, i - 2));       // "I was suggested to buy"
                if (takesIng(prev) && !passive && !after.equals("date")) {                      // "suggested to date": so far
                    // "enjoy to swim" -> "enjoy swimming": "to" and its space go
                    out.replace(verb.start(), tokens.get(i + 1).end(), ing);
                    i++;
                    continue;
                }
                // "look forward to work" may name a noun; a verb shows by its object ("to seeing you", "to hearing from")
                boolean verbAfter = !lex.isNoun(after) || Lexicon.OBJECT_PRONOUNS.contains(then) || Lexicon.DETERMINER_LIKE.contains(then);
                if (prev.equals("forward") && WordDiff.lower(tokens, i - 2).startsWith("look") && verbAfter) {
                    out.replace(tokens.get(i + 1).start(), tokens.get(i + 1).end(), ing);   // "look forward to hearing"
                    i++;
                    continue;
                }
                if (PERSON_OBJECTS.contains(prev) && LET_MAKE.contains(WordDiff.lower(tokens, i - 2))) {
                    out.replace(tokens.get(i - 1).end(), verb.end(), "");                       // "let him go"
                    continue;
                }
            }
            boolean governed = (Lexicon.MODALS.contains(prev) || NEGATIVE_MODALS.contains(prev)) && isModal(tokens, i - 1)
                    || NEGATIVE_DO.contains(prev)
                    || Lexicon.SUBJECT_PRONOUNS.contains(prev) && opensDoQuestion(tokens, i - 2);
            String base = governed ? baseOf(w, !NEGATIVE_DO.contains(prev) && !Lexicon.MODALS.contains(prev)
                    && !NEGATIVE_MODALS.contains(prev)) : null;
            if (base != null) out.replace(verb.start(), verb.end(), base);
            else if (Lexicon.HAVE_FORMS.contains(prev) || PERFECT_NEGATIVES.contains(prev)) {
                String participle = participleOf(w);
                if (participle != null) out.replace(verb.start(), verb.end(), participle);
            }
        }
        return out.result();
    }

    /**
     * Whether the "too" at {@code i} is the "to" of an infinitive: after a verb or an object pronoun ("would like too
     * invite", "start too rot", "see her too have"), before a verb's base form in lower case that is no adjective,
     * adverb or determiner ("too late", "too much" are right). Not after "you", a subject or a noun phrase ("Thank you
     * too", "They too have", "The people too have", "My kids too want").
     */
    private boolean tooForTo(List<Token> tokens, int i) {
        String prev = WordDiff.lower(tokens, i - 1), next = WordDiff.lower(tokens, i + 1);
        if (i + 1 >= tokens.size() || !tokens.get(i + 1).text().equals(next)) return false;
        String beforePrev = WordDiff.lower(tokens, i - 2);
        boolean nounPhrase = Lexicon.DETERMINER_LIKE.contains(beforePrev) || Lexicon.POSSESSIVE_DETERMINERS.contains(beforePrev)
                || !lex.singulars(prev).isEmpty() || !tokens.get(i - 1).text().equals(prev);   // "the people too", "my kids too"
        boolean afterVerb = !lex.verbReadings(prev).isEmpty() && !nounPhrase && !Lexicon.isAuxiliary(prev)
                || Lexicon.OBJECT_PRONOUNS.contains(prev) && !prev.equals("you") && !prev.equals("it");
        return afterVerb && lex.canBe(next, VerbForm.BASE) && !lex.isAdjective(next) && !lex.isAdverb(next)
                && !Lexicon.DETERMINER_LIKE.contains(next) && !Lexicon.MODALS.contains(next);
    }

    /**
     * The base form for an irregular verb's simple past after "to" ("attempted to won back" → "to win", "hard to
     * said." → "to say.", "wanted to went" → "to go"): a word that is no verb's base form itself ("to found a
     * company", "to saw") and not "left" ("turn to left" wants "the left"), before no word that continues a noun
     * phrase ("to paid subscribers"); null otherwise. Only irregular pasts: a regular one is as often an adjective
     * ("to used cars", "to finished goods").
     */
    private String baseAfterTo(List<Token> tokens, int k) {
        if (k >= tokens.size() || !tokens.get(k).text().equals(WordDiff.lower(tokens, k))) return null;
        String w = WordDiff.lower(tokens, k), next = WordDiff.lower(tokens, k + 1);
        if (w.equals("left") || lex.canBe(w, VerbForm.BASE) || STRANDING.contains(WordDiff.lower(tokens, k - 2))) return null;
        if (Lexicon.SUBJECT_PRONOUNS.contains(next)) return null;         // "the man we spoke to said he'd": a clause's verb
        String base = null;
        for (VerbReading r : lex.verbReadings(w))
            if (r.form() == VerbForm.PAST && lex.isIrregularVerb(r.base()) && !r.base().equals("be")) base = r.base();
        boolean nextContinues = k + 1 < tokens.size() && tokens.get(k + 1).isWord() && (lex.isNoun(next) || !lex.singulars(next).isEmpty())
                && !lex.isAdverb(next) && !lex.isPreposition(next) && !Lexicon.DETERMINER_LIKE.contains(next);
        return base == null || nextContinues ? null : base;
    }

    /** Whether {@code w} is a form of a verb that takes -ing after it ("enjoy", "enjoyed", "finishes"). */
    private boolean takesIng(String w) {
        if (ING_VERBS.contains(w)) return true;
        for (VerbReading r : lex.verbReadings(w)) if (ING_VERBS.contains(r.base()) && r.form() != VerbForm.ING) return true;
        return false;
    }

    /**
     * Whether the modal at {@code k} is one: not a noun after a determiner ("his will", "a can"), nor a name ("Will
     * goes"; a question's modal is followed by its subject, not its verb).
     */
    private static boolean isModal(List<Token> tokens, int k) {
        return tokens.get(k).text().equals(WordDiff.lower(tokens, k)) && !Lexicon.DETERMINER_LIKE.contains(WordDiff.lower(tokens, k - 1));
    }

    /** Whether {@code k} is a "do", "does" or "did" (or their negatives) that opens a question: first, or after a question word. */
    private static boolean opensDoQuestion(List<Token> tokens, int k) {
        if (k < 0 || !Lexicon.DO_FORMS.contains(WordDiff.lower(tokens, k))) return false;
        return k == 0 || Lexicon.QUESTION_WORDS.contains(WordDiff.lower(tokens, k - 1)) || !tokens.get(k - 1).isWord();
    }

    /**
     * The past participle of a word that is a verb's base form and nothing else (no other form of a verb, no noun,
     * no adjective, no adverb: "appear", "acquire"); null for any other word, and for "better" ("had better go").
     */
    private String participleOf(String w) {
        List<VerbReading> readings = lex.verbReadings(w);
        if (readings.size() != 1 || readings.getFirst().form() != VerbForm.BASE) return null;
        if (lex.isNoun(w) || lex.isAdjective(w) || lex.isAdverb(w) || Lexicon.isAuxiliary(w)) return null;
        String participle = lex.verbForms(readings.getFirst().base()).pastParticiple();
        return participle.equals(w) ? null : participle;
    }


    /**
     * The base form of a verb form that is no base form itself: a past, a participle or a third person of one
     * verb, not of "be"; null for any other word. After a pronoun ({@code afterPronoun}), not a noun's plural
     * either ("Did you guys").
     */
    private String baseOf(String w, boolean afterPronoun) {
        String base = null;
        for (VerbReading r : lex.verbReadings(w)) {
            if (r.form() == VerbForm.BASE || r.form() == VerbForm.ING || r.base().equals("be")) return null;
            if (base != null && !base.equals(r.base())) return null;
            base = r.base();
        }
        if (base == null || afterPronoun && !lex.singulars(w).isEmpty()) return null;
        return base;
    }
}
