package miniserve.language;

import miniserve.language.Lexicon.VerbForm;
import miniserve.language.Lexicon.VerbReading;
import miniserve.language.WordDiff.Token;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tutor's agreement stage, after the model: a present verb right after a subject pronoun, or after it and an
 * adverb such as "always" or "still", takes the pronoun's person ("She watch TV" → "watches", "They has" →
 * "have", "I calls" → "call", "he don't" → "doesn't", "you is" → "are", "She always go" → "goes"); an auxiliary
 * right after a determiner and a noun takes the noun's number ("My sister have" → "has", "The children was" →
 * "were"). Only after a pronoun, whose person is certain; a noun subject may be a
 * plural, a name or a compound, which the model judges better from the whole sentence.
 *
 * <p>Left alone: a pronoun after a verb or an auxiliary, where it is an object or the subject of a question
 * ("make it work", "Does she like it?", "Can he swim?"), and "were" after "I", "he", "she" or "it", which may be
 * a conditional ("if he were rich"). Why a stage: the model fixes about two thirds of the synthetic set's
 * agreement errors and leaves beginners' plainest ones ("She watch television every evening.").
 */
public final class AgreementCorrector {

    /** An auxiliary in the person of he/she/it, from the one of I/you/we/they ("have" → "has"). */
    private static final Map<String, String> THIRD_PERSON_AUXILIARY = Map.of(
            "have", "has", "do", "does", "don't", "doesn't", "are", "is", "aren't", "isn't");
    /** The other way, for "you", "we", "they"; "I" takes "am" where these take "are" (and "were" is left alone). */
    private static final Map<String, String> PLURAL_AUXILIARY = Map.of(
            "has", "have", "does", "do", "doesn't", "don't", "is", "are", "isn't", "aren't", "was", "were", "wasn't", "weren't");
    /** Words before "I" that make it part of a longer subject: "Laura and I are". */
    private static final Set<String> JOINING = Set.of("and", "or", "nor");
    private static final Map<String, String> I_AUXILIARY = Map.of(
            "has", "have", "does", "do", "doesn't", "don't", "is", "am", "are", "am");

    /** Adverbs that stand between a subject and its verb: "she always goes", "I still don't". */
    private static final Set<String> MID_ADVERBS = Set.of("always", "never", "often", "usually", "sometimes", "also",
            "still", "really", "rarely", "seldom", "already", "generally", "normally", "actually", "just");

    /** Nouns in -s that are no plural, or take a singular verb: "the news", "a means", "the series". */
    private static final Set<String> SINGULAR_IN_S = Set.of("news", "means", "series", "species", "physics", "mathematics",
            "economics", "politics", "ethics", "athletics", "measles", "whereabouts", "headquarters", "lens", "bus", "gas",
            "thanks", "odds");
    /** Determiners a noun subject starts with: "my sister", "the children". */
    private static final Set<String> NOUN_DETERMINERS = Set.of("the", "my", "your", "his", "her", "its", "our", "their",
            "this", "that", "these", "those");
    /** Nouns that name one person, after which a base-form verb is the clause's verb: "my uncle work", "the teacher give". */
    private static final Set<String> PERSON_NOUNS = Set.of("mother", "father", "sister", "brother", "uncle", "aunt",
            "daughter", "son", "wife", "husband", "friend", "cousin", "grandmother", "grandfather", "grandma", "grandpa",
            "teacher", "boss", "neighbour", "neighbor", "boyfriend", "girlfriend", "mom", "dad", "mum", "baby", "doctor",
            "student", "child", "nephew", "niece", "partner", "colleague", "classmate", "roommate", "manager");
    /** Words of a sentence whose "were" after a singular subject may be the unreal one: "if it were", "I wish it were". */
    private static final Set<String> UNREAL = Set.of("if", "wish", "wished", "though", "suppose", "supposing", "imagine",
            "rather", "unless", "whether");
    /** "is"/"was" for the "be" of a plural ("are" → "is"), for a singular subject after it. */
    private static final Map<String, String> SINGULAR_BE = Map.of("are", "is", "were", "was", "aren't", "isn't", "weren't", "wasn't");
    /** Quantifiers that, with "of" and a plural, make a plural subject: "most of them are". */
    private static final Set<String> PLURAL_QUANTIFIERS = Set.of("most", "all", "many", "both", "several", "few");
    /** Plural pronouns after "of": "most of them", "all of these". */
    private static final Set<String> PLURAL_OF = Set.of("them", "us", "these", "those");
    /** Nouns of a part or a group, which take either number: "the rest are", "the team is/are". */
    private static final Set<String> GROUP_NOUNS = Set.of("rest", "majority", "remainder", "bulk", "number", "half",
            "lot", "couple", "pair", "total", "family", "team", "staff", "crew", "group", "audience", "public",
            "government", "committee", "police", "people", "class", "band", "company", "jury", "army", "media", "data",
            "sheep", "fish", "deer", "aircraft", "series", "species");

    private final Lexicon lex;

    public AgreementCorrector(Lexicon lex) {
        this.lex = lex;
    }

    /**
     * {@code text} with each present verb right after a subject pronoun, or after it and one of the adverbs that
     * stand before the verb ("She always go", "I still doesn't"), in that pronoun's person.
     */
    public String correct(String text) {
        List<Token> tokens = WordDiff.tokenize(text);
        TextSplice out = new TextSplice(text);
        String inverted = invertedBe(tokens);
        if (inverted != null) out.replace(tokens.get(1).start(), tokens.get(1).end(), inverted);
        for (int k = 0; k + 1 < tokens.size(); k++) {
            if (inverted != null && k == 0) continue;   // the subject follows its verb: nothing before "is" to agree with
            String auxiliary = nounSubjectAuxiliary(tokens, k);
            if (auxiliary != null) {
                out.replace(tokens.get(k + 1).start(), tokens.get(k + 1).end(), auxiliary);
                continue;
            }
            int plural = pluralSubjectEnd(tokens, k);
            if (plural > 0) {
                // "Most of them is", "Both Tina and Vicky is": the auxiliary after a subject that names more than one
                out.replace(tokens.get(plural).start(), tokens.get(plural).end(), PLURAL_AUXILIARY.get(tokens.get(plural).text()));
                k = plural;
                continue;
            }
            if (!isSubject(tokens, k)) continue;
            int i = MID_ADVERBS.contains(WordDiff.lower(tokens, k + 1)) ? k + 2 : k + 1;
            if (i >= tokens.size()) continue;
            String subject = WordDiff.lower(tokens, k), w = tokens.get(i).text();
            if (!w.equals(WordDiff.lower(tokens, i))) continue;
            String next = WordDiff.lower(tokens, i + 1);
            String right = Lexicon.THIRD_PERSON_PRONOUNS.contains(subject) ? THIRD_PERSON_AUXILIARY.get(w)
                    : subject.equals("i") ? I_AUXILIARY.get(w) : PLURAL_AUXILIARY.get(w);
            // "He cross examined": a verb right after a non-auxiliary is the clause's verb, and this word part of
            // something else ("I is tired" is still corrected)
            if (right == null && !lex.isPast(next))
                right = Lexicon.THIRD_PERSON_PRONOUNS.contains(subject) ? thirdPerson(w) : base(w, subject, next);
            if (right != null && !right.equals(w)) out.replace(tokens.get(i).start(), tokens.get(i).end(), right);
        }
        return out.result();
    }

    /**
     * The "be" in the number of the subject that follows it in a sentence that opens with a question word, "here" or
     * "there": "are"/"were" before a plural ("Where is my keys?" → "are", "Here is the documents" → "are"),
     * "is"/"was" before a singular ("What are the dress code?" → "is", "Where are the key?" → "is"); null for any
     * other sentence. The subject is a determiner and a noun that ends its phrase, or a compound of two nouns
     * ("What is the sales tax?", "the dress code"); not a noun whose -s is no plural ("What is the news?", "the
     * means"), a group ("There are a lot of"), and a singular only after a determiner of one thing ("the", "my",
     * "this"; not "a": "There are a few").
     */
    private String invertedBe(List<Token> tokens) {
        String first = WordDiff.lower(tokens, 0);
        if (tokens.size() < 4 || !Lexicon.QUESTION_WORDS.contains(first) && !first.equals("here") && !first.equals("there")) return null;
        String be = tokens.get(1).text(), det = WordDiff.lower(tokens, 2);
        boolean singularBe = be.startsWith("is") || be.startsWith("was"), pluralBe = be.startsWith("are") || be.startsWith("were");
        if (!singularBe && !pluralBe || !Lexicon.DETERMINER_LIKE.contains(det)) return null;
        int head = 3;                                                   // the phrase's last noun: "the dress code"
        if (head + 1 < tokens.size() && isLowerNoun(tokens, head) && isLowerNoun(tokens, head + 1)) head++;
        String noun = tokens.get(head).text();
        if (!noun.equals(WordDiff.lower(tokens, head)) || !ArticleCorrector.endsNounPhrase(lex, tokens, head + 1)) return null;
        boolean plural = !lex.singulars(noun).isEmpty() && !lex.isUncountable(noun) && !SINGULAR_IN_S.contains(noun) && !noun.endsWith("ss");
        if (singularBe && plural && head == 3 && !Lexicon.SINGULAR_DETERMINERS.contains(det)) return PLURAL_AUXILIARY.get(be);
        boolean singular = lex.isNoun(noun) && lex.singulars(noun).isEmpty() && !noun.endsWith("s") && !GROUP_NOUNS.contains(noun);
        // a singular only where its phrase plainly ends: a mark or a preposition ("What are the dress code?"; not
        // "Here are the four easy steps", "the top ten most requested")
        String after = WordDiff.lower(tokens, head + 1);
        boolean ends = head + 1 >= tokens.size() || !tokens.get(head + 1).isWord() || lex.isPreposition(after);
        if (pluralBe && singular && ends && NOUN_DETERMINERS.contains(det) && !det.equals("these") && !det.equals("those"))
            return SINGULAR_BE.get(be);
        return null;
    }

    /** Whether a noun in lower case that is no auxiliary stands at {@code k}. */
    private boolean isLowerNoun(List<Token> tokens, int k) {
        String w = tokens.get(k).text();
        return w.equals(WordDiff.lower(tokens, k)) && lex.isNoun(w) && !Lexicon.isAuxiliary(w) && !lex.isPreposition(w) && !lex.isAdverb(w);
    }

    /**
     * The auxiliary after a noun subject in the noun's number, where it is not ("My sister have" → "has", "The
     * children was" → "were"), else null: a determiner, a noun in lower case and the auxiliary right after, the
     * determiner not after an auxiliary (the subject of a question: "Does the teacher have"), a preposition ("one of
     * the questions was") or "and"/"or" ("you or your employer do"), the noun no adverb, adjective or modal as well
     * ("that there are", "the following have", "that might have"). Only an auxiliary,
     * whose person is its form alone; a noun that is both numbers ("data", "sheep", "glasses") or names a part or a
     * group ("the rest are", "the team are") is left, and "were" in a sentence that may be unreal ("if the weather
     * were", "I wish the house were"; "The place were old" → "was").
     */
    private String nounSubjectAuxiliary(List<Token> tokens, int k) {
        String det = WordDiff.lower(tokens, k - 1), noun = tokens.get(k).text(), aux = tokens.get(k + 1).text();
        if (!NOUN_DETERMINERS.contains(det) || !noun.equals(WordDiff.lower(tokens, k)) || Lexicon.isAuxiliary(WordDiff.lower(tokens, k - 2)))
            return null;
        // "one of the questions was": the subject is before the preposition; "that there are", "the following have":
        // a word that is also an adverb or an adjective need not be the noun of a subject
        String beforeDet = WordDiff.lower(tokens, k - 2);
        if (GROUP_NOUNS.contains(noun) || lex.isPreposition(beforeDet) || JOINING.contains(beforeDet)
                || lex.isAdverb(noun) || lex.isAdjective(noun) || Lexicon.isAuxiliary(noun))
            return null;
        boolean singular = lex.isNoun(noun) && lex.singulars(noun).isEmpty() && !noun.endsWith("s");
        boolean plural = !lex.isNoun(noun) && !lex.singulars(noun).isEmpty();
        if (singular && !det.equals("these") && !det.equals("those") && (!aux.equals("were") || !mayBeUnreal(tokens) && isClauseStart(tokens, k - 1))) {
            String right = aux.equals("were") ? "was" : THIRD_PERSON_AUXILIARY.get(aux);
            return right != null || !PERSON_NOUNS.contains(noun) ? right : personVerb(aux, WordDiff.lower(tokens, k + 2),
                    k + 2 < tokens.size() ? tokens.get(k + 2) : null);
        }
        if (plural && !det.equals("this") && !det.equals("that")) return PLURAL_AUXILIARY.get(aux);
        return null;
    }

    /**
     * The index of a singular auxiliary ("is", "was", "has", "does", "doesn't", ...) after a subject that starts at
     * {@code k} and names more than one: a quantifier with "of" and a plural ("Most of them is", "All of the
     * students was"; not "One of them is", "Each of them has", "Some of the money is"), or "both ... and ..." with
     * at most three words each side ("Both Tina and Vicky is", "Both my brother and my sister has"). -1 otherwise.
     */
    private int pluralSubjectEnd(List<Token> tokens, int k) {
        String w = WordDiff.lower(tokens, k);
        int aux;
        if (PLURAL_QUANTIFIERS.contains(w) && WordDiff.lower(tokens, k + 1).equals("of")) {
            String after = WordDiff.lower(tokens, k + 2), noun = WordDiff.lower(tokens, k + 3);
            if (PLURAL_OF.contains(after)) aux = k + 3;
            else if (NOUN_DETERMINERS.contains(after) && !after.equals("this") && !after.equals("that")
                    && k + 3 < tokens.size() && tokens.get(k + 3).text().equals(noun)
                    && !lex.isNoun(noun) && !lex.singulars(noun).isEmpty() && !GROUP_NOUNS.contains(noun)) aux = k + 4;  // "the students"
            else return -1;
        } else if (w.equals("both")) {
            int and = phraseEnd(tokens, k + 1);
            if (and < 0 || !WordDiff.lower(tokens, and).equals("and")) return -1;
            aux = phraseEnd(tokens, and + 1);
            if (aux < 0) return -1;
        } else {
            return -1;
        }
        return aux < tokens.size() && PLURAL_AUXILIARY.containsKey(tokens.get(aux).text()) ? aux : -1;
    }

    /** The index after one to three words of a noun phrase from {@code from} (names, determiners, nouns, adjectives); -1 if none. */
    private int phraseEnd(List<Token> tokens, int from) {
        int k = from;
        while (k < tokens.size() && k < from + 3 && tokens.get(k).isWord()) {
            String w = tokens.get(k).text(), lower = WordDiff.lower(tokens, k);
            boolean inPhrase = !w.equals(lower) || Lexicon.DETERMINER_LIKE.contains(lower) || Lexicon.POSSESSIVE_DETERMINERS.contains(lower)
                    || lex.isNoun(lower) || lex.isAdjective(lower);
            if (!inPhrase || Lexicon.isAuxiliary(lower) || lower.equals("and") || lex.isPreposition(lower)) break;
            k++;
        }
        return k > from ? k : -1;
    }

    /**
     * Whether the word at {@code k} opens a clause: the first, or after a mark or a word that joins clauses ("but the
     * place were old"; not "being issued the weapon were told", where the noun is an object).
     */
    private static boolean isClauseStart(List<Token> tokens, int k) {
        return k == 0 || !tokens.get(k - 1).isWord() || JOINING.contains(WordDiff.lower(tokens, k - 1))
                || FinishedTime.CLAUSE_WORDS.contains(WordDiff.lower(tokens, k - 1));
    }

    /** Whether the sentence has a word that may ask for the unreal "were" ("if the weather were", "I wish", "as though"). */
    private static boolean mayBeUnreal(List<Token> tokens) {
        for (int k = 0; k < tokens.size(); k++) if (UNREAL.contains(WordDiff.lower(tokens, k))) return true;
        return false;
    }

    /**
     * The third person of a base-form verb after a noun that names one person ("My uncle work in a factory" →
     * "works"), when what follows it begins an object or an adverbial (a determiner, a pronoun, a preposition, an
     * adverb, a number, the sentence's end): "my mother tongue is", "my friend list was" are compounds. Else null.
     */
    private String personVerb(String w, String next, Token nextToken) {
        boolean opensObject = nextToken == null || !nextToken.isWord() || Lexicon.DETERMINER_LIKE.contains(next) || Lexicon.OBJECT_PRONOUNS.contains(next)
                || lex.isPreposition(next) || lex.isAdverb(next) && !lex.isNoun(next) || next.matches("[0-9]+");
        return opensObject && !Lexicon.isAuxiliary(w) ? thirdPerson(w) : null;
    }

    /**
     * Whether token {@code k} is a subject pronoun that opens its clause and is the whole subject: not after a
     * verb or an auxiliary, nor "I" after "and"/"or" ("Laura and I are"; "and he like" starts a clause).
     */
    private boolean isSubject(List<Token> tokens, int k) {
        String pronoun = WordDiff.lower(tokens, k);
        if (!Lexicon.THIRD_PERSON_PRONOUNS.contains(pronoun) && !Lexicon.NON_THIRD_PERSON_PRONOUNS.contains(pronoun)) return false;
        if (pronoun.equals("i") && JOINING.contains(WordDiff.lower(tokens, k - 1))) return false;   // "Laura and I are"
        return opensClause(lex, tokens, k);
    }

    /**
     * Whether the pronoun at {@code k} is a subject that opens its clause: not after an auxiliary or "to" (the
     * subject of a question: "Did you go?", "Can he swim?"), and "you" or "it" not after a verb either, where
     * they are objects ("make it work", "give you book"); "he", "she", "I", "we", "they" are subjects after any
     * other word ("Last summer they travel").
     */
    static boolean opensClause(Lexicon lex, List<Token> tokens, int k) {
        String before = WordDiff.lower(tokens, k - 1), pronoun = WordDiff.lower(tokens, k);
        if (Lexicon.isAuxiliary(before) || before.equals("to")) return false;
        return !(pronoun.equals("you") || pronoun.equals("it"))
                || !lex.isVerb(before) && lex.verbReadings(before).isEmpty() && !lex.isPreposition(before);
    }

    /** The third-person form of a base-form verb ("watch" → "watches"); null for any other word. */
    private String thirdPerson(String w) {
        VerbReading base = lex.presentReading(w, VerbForm.BASE);
        return base == null ? null : lex.verbForms(base.base()).thirdPerson();
    }

    /**
     * The base form of a third-person verb ("calls" → "call"); null for any other word, and for a noun's plural
     * that stands beside "you" or "we" before the verb ("you guys are", "we students agree").
     */
    private String base(String w, String subject, String next) {
        boolean verbNext = Lexicon.isAuxiliary(next) || !lex.verbReadings(next).isEmpty() && !lex.isNoun(next) && lex.singulars(next).isEmpty();
        if ((subject.equals("you") || subject.equals("we")) && !lex.singulars(w).isEmpty() && verbNext) return null;
        VerbReading third = lex.presentReading(w, VerbForm.THIRD_PERSON);
        return third == null ? null : third.base();
    }
}
