package miniserve.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import miniserve.language.ErrorType;
import miniserve.language.Lexicon;
import miniserve.language.WordDiff;
import miniserve.language.WordDiff.Token;
import miniserve.synth.SyntheticErrors.Proposal;
import miniserve.synth.SyntheticErrors.Rule;
import miniserve.synth.SyntheticErrors.Sentence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticErrorsTest {

    static final SyntheticErrors GEN = new SyntheticErrors();
    static final Lexicon LEX = Lexicon.standard();
    static List<String> train;
    static List<TrainingPair> pairs;

    @BeforeAll
    static void load() {
        train = GEN.readClean(Path.of("data/ud-ewt/train.txt"));
        pairs = GEN.pairs(train, 42);
    }

    @Test
    void theSecondLearnerMixConfusesAAndAnMoreOften() {
        List<String> some = train.subList(0, 3000);
        SyntheticErrors learner = new SyntheticErrors(LEX, SyntheticErrors.Profile.LEARNER);
        SyntheticErrors learner2 = new SyntheticErrors(LEX, SyntheticErrors.Profile.named("learner-2"));
        long aAn = countAAn(learner.pairs(some, 5)), aAn2 = countAAn(learner2.pairs(some, 5));
        assertThat(aAn2).as("a/an errors: learner %d, learner-2 %d", aAn, aAn2).isGreaterThan(2 * aAn);
    }

    private static long countAAn(List<TrainingPair> pairs) {
        return pairs.stream().flatMap(p -> p.errors().stream())
                .filter(e -> Set.of("a", "an").contains(e.original().toLowerCase()) && Set.of("a", "an").contains(e.replacement().toLowerCase()))
                .count();
    }

    @Test
    void sameSeedSamePairsOtherSeedOtherPairs() {
        List<String> some = train.subList(0, 500);
        assertThat(GEN.pairs(some, 7)).isEqualTo(GEN.pairs(some, 7));
        assertThat(GEN.pairs(some, 7)).isNotEqualTo(GEN.pairs(some, 8));
        SplittableRandom a = new SplittableRandom(3), b = new SplittableRandom(3);
        for (String s : some) assertThat(GEN.corrupt(s, a)).isEqualTo(GEN.corrupt(s, b));
    }

    @Test
    void aboutAThirdUnchangedAndOneErrorInElevenWords() {
        long words = 0, errors = 0, unchanged = 0;
        for (TrainingPair p : pairs) {
            words += SyntheticErrors.wordCount(p.target());
            errors += p.errors().size();
            if (p.unchanged()) unchanged++;
            assertThat(p.errors().size()).isBetween(0, 5);
        }
        double unchangedShare = (double) unchanged / pairs.size();
        double perWord = (double) errors / words;
        assertThat(pairs.size()).isGreaterThan(5000);
        assertThat(unchangedShare).as("unchanged share").isBetween(0.30, 0.36);
        assertThat(perWord).as("errors per word").isBetween(1 / 12.5, 1 / 9.5);
    }

    @Test
    void longerSentencesGetMoreErrors() {
        double shortRate = meanErrors(p -> SyntheticErrors.wordCount(p.target()) <= 10);
        double longRate = meanErrors(p -> SyntheticErrors.wordCount(p.target()) >= 25);
        assertThat(longRate).isGreaterThan(2 * shortRate);
    }

    private double meanErrors(java.util.function.Predicate<TrainingPair> which) {
        return pairs.stream().filter(which).mapToInt(p -> p.errors().size()).average().orElseThrow();
    }

    @Test
    void everyTypeIsInjected() {
        Set<ErrorType> seen = EnumSet.noneOf(ErrorType.class);
        for (TrainingPair p : pairs) for (InjectedError e : p.errors()) seen.add(e.type());
        assertThat(seen).isEqualTo(EnumSet.complementOf(EnumSet.of(ErrorType.OTHER)));
    }

    @Test
    void everyRecordQuotesTheSourceAndUndoingThemGivesTheCleanSentence() {
        int checked = 0;
        for (TrainingPair p : pairs) {
            if (p.unchanged()) {
                assertThat(p.source()).isEqualTo(p.target());
                continue;
            }
            assertThat(p.source()).as("a pair with errors differs from its correction").isNotEqualTo(p.target());
            List<Token> src = WordDiff.tokenize(p.source());
            List<String> rebuilt = new ArrayList<>();
            int at = 0;
            int lastEnd = -1;
            for (InjectedError e : p.errors()) {
                assertThat(e.start()).as("records are ordered and apart").isGreaterThan(lastEnd);
                assertThat(WordDiff.text(p.source(), src, e.start(), e.end())).isEqualTo(e.original());
                assertThat(e.original()).isNotEqualTo(e.replacement());
                for (; at < e.start(); at++) rebuilt.add(src.get(at).text());
                for (Token t : WordDiff.tokenize(e.replacement())) rebuilt.add(t.text());
                at = e.end();
                lastEnd = e.end();
            }
            for (; at < src.size(); at++) rebuilt.add(src.get(at).text());
            assertThat(rebuilt).isEqualTo(WordDiff.tokenize(p.target()).stream().map(Token::text).toList());
            assertThat(WordDiff.join(rebuilt).replace(" ", "")).isEqualTo(p.target().replaceAll("\\s", ""));
            checked++;
        }
        assertThat(checked).isGreaterThan(3000);
    }

    @Test
    void spellingNoiseAlwaysMakesANonWord() {
        int n = 0;
        for (TrainingPair p : pairs) {
            for (InjectedError e : p.errors()) {
                if (e.type() != ErrorType.SPELLING) continue;
                assertThat(LEX.isWord(e.original())).as(e.original()).isFalse();
                assertThat(LEX.isWord(e.replacement())).as(e.replacement()).isTrue();
                n++;
            }
        }
        assertThat(n).isGreaterThan(500);
    }

    /** The clean-to-learner tokens that rules of one type propose for one sentence. */
    private static List<String> proposals(ErrorType type, String clean) {
        Sentence s = new Sentence(WordDiff.tokenize(clean), 1);
        List<String> out = new ArrayList<>();
        for (Proposal p : GEN.propose(type, s)) {
            List<String> learner = new ArrayList<>();
            for (int i = 0; i < p.start(); i++) learner.add(s.text(i));
            learner.addAll(p.tokens());
            for (int i = p.end(); i < s.n(); i++) learner.add(s.text(i));
            out.add(WordDiff.join(learner));
        }
        return out;
    }

    @Test
    void rulesMakeTheClassicLearnerErrors() {
        assertThat(proposals(ErrorType.NOUN_NUMBER, "The children need more information about it."))
                .contains("The childs need more information about it.", "The children need more informations about it.");
        assertThat(proposals(ErrorType.NOUN_NUMBER, "I bought a book and two pens."))
                .contains("I bought a books and two pens.", "I bought a book and two pen.");
        assertThat(proposals(ErrorType.VERB_FORM, "She can go to school."))
                .contains("She can goes to school.", "She can going to school.");
        assertThat(proposals(ErrorType.VERB_FORM, "I want to go home."))
                .contains("I want to going home.");
        assertThat(proposals(ErrorType.VERB_FORM, "They have gone home."))
                .contains("They have went home.");
        assertThat(proposals(ErrorType.AGREEMENT, "He goes to school and they are happy."))
                .contains("He go to school and they are happy.", "He goes to school and they is happy.");
        assertThat(proposals(ErrorType.TENSE, "Yesterday we went to the park."))
                .contains("Yesterday we go to the park.");
        assertThat(proposals(ErrorType.ARTICLE, "I ate an apple and the cake."))
                .contains("I ate a apple and the cake.", "I ate apple and the cake.", "I ate an apple and cake.");
        assertThat(proposals(ErrorType.ARTICLE, "These books are mine."))
                .contains("This books are mine.");
        assertThat(proposals(ErrorType.PREPOSITION, "We met at the station in the morning."))
                .contains("We met in the station in the morning.", "We met at the station on the morning.");
        assertThat(proposals(ErrorType.PREPOSITION, "We discussed the plan."))
                .contains("We discussed about the plan.");
        assertThat(proposals(ErrorType.PUNCTUATION, "However, I don't know."))
                .contains("However I don't know.", "However, I dont know.", "However, I don't know");
        assertThat(proposals(ErrorType.CAPITALIZATION, "I speak English."))
                .contains("i speak English.", "I speak english.");
        assertThat(proposals(ErrorType.PRONOUN, "She gave him the book."))
                .contains("Her gave him the book.", "She gave he the book.");
        assertThat(proposals(ErrorType.ADJ_ADV, "He drives carefully in a quick car."))
                .contains("He drives careful in a quick car.", "He drives carefully in a quickly car.");
        assertThat(proposals(ErrorType.WORD_ORDER, "She has a red car."))
                .contains("She has a car red.");
        assertThat(proposals(ErrorType.WORD_CHOICE, "Their house is bigger than ours."))
                .contains("There house is bigger than ours.", "Their house is bigger then ours.");
        assertThat(proposals(ErrorType.SPELLING, "Beautiful weather today."))
                .allSatisfy(s -> assertThat(s).isNotEqualTo("Beautiful weather today."));
    }

    @Test
    void noRuleProposesTheSentenceItStartedFrom() {
        for (String clean : train.subList(0, 400)) {
            for (ErrorType type : ErrorType.values()) {
                assertThat(proposals(type, clean)).doesNotContain(WordDiff.join(WordDiff.tokenize(clean).stream().map(Token::text).toList()));
            }
        }
    }

    @Test
    void everyRuleOfAProfileIsUsedOnTheTrainingTextAndNoOther() {
        Set<Rule> original = EnumSet.noneOf(Rule.class), learner = EnumSet.noneOf(Rule.class);
        for (String clean : train) {
            Sentence s = new Sentence(WordDiff.tokenize(clean), 1);
            for (ErrorType type : ErrorType.values()) {
                for (Proposal p : GEN.propose(type, s)) original.add(p.rule());
                for (Proposal p : LEARNER.propose(type, s)) {
                    assertThat(p.type()).isEqualTo(type);
                    learner.add(p.rule());
                }
            }
        }
        Set<Rule> learnerOnly = EnumSet.noneOf(Rule.class);
        for (Rule r : Rule.values()) if (r.learnerOnly) learnerOnly.add(r);
        assertThat(learnerOnly).hasSizeGreaterThanOrEqualTo(7);
        assertThat(original).isEqualTo(EnumSet.complementOf((EnumSet<Rule>) learnerOnly));
        for (Rule r : Rule.values()) {
            assertThat(SyntheticErrors.Profile.ORIGINAL.uses(r)).isEqualTo(!r.learnerOnly);
            assertThat(SyntheticErrors.Profile.LEARNER_1.uses(r)).isEqualTo(!r.learnerOnly);
            assertThat(SyntheticErrors.Profile.LEARNER.uses(r)).isTrue();
        }
        // "have lived ... since 2010" is too rare in the UD web text to show up; its own test below covers it.
        assertThat(learner).isEqualTo(EnumSet.complementOf(EnumSet.of(Rule.SINCE_WITH_PRESENT)));
    }

    /**
     * The evaluation's synthetic held-out set ({@code ./miniserve eval}: the first 1000 usable UD dev
     * sentences, seed 20240607, the original profile) is what the committed evaluation figures were
     * measured on: a change to the generator must leave it as it is (new errors go into the learner
     * profile). The hash covers every pair's source, target and error records.
     */
    @Test
    void theEvaluationSetIsUnchanged() throws Exception {
        List<TrainingPair> heldOut = SyntheticErrors.heldOutPairs(Path.of("data/ud-ewt/dev.txt"), 1000, 20240607);
        assertThat(heldOut).hasSize(951);   // all the usable dev sentences
        assertThat(sha256(heldOut)).isEqualTo(HELD_OUT_SHA256);
    }

    static final String HELD_OUT_SHA256 = "ebd228707eea28ef12dc67255b88eb0ce4718361e358f40873e599149a770b64";

    /** Legs 1 and 2 of the shipped tutor were trained on the first learner mix: weights/recipe.json re-runs them with it. */
    @Test
    void theFirstLearnerMixIsUnchanged() throws Exception {
        SyntheticErrors first = new SyntheticErrors(LEX, SyntheticErrors.Profile.LEARNER_1);
        assertThat(sha256(first.pairs(train.subList(0, 2000), 2))).isEqualTo(LEARNER_1_SHA256);
        assertThat(SyntheticErrors.Profile.named("learner-1")).isEqualTo(SyntheticErrors.Profile.LEARNER_1);
        Sentence s = new Sentence(WordDiff.tokenize("My sister received a letter and works in a bank."), 1);
        assertThat(first.propose(ErrorType.SPELLING, s)).isNotEmpty().noneMatch(p -> p.rule().learnerOnly);
        assertThat(first.propose(ErrorType.AGREEMENT, new Sentence(WordDiff.tokenize("My sister works in a bank."), 1)))
                .anyMatch(p -> p.tokens().equals(List.of("work")));   // after a noun subject, as in the learner mix
    }

    static final String LEARNER_1_SHA256 = "e2e48db4b6f6a78207577fd5d8cf93950df1a95b7acb5afa665b4a28a2f2b790";

    /** A hash of every pair's source, target and error records. */
    private static String sha256(List<TrainingPair> pairs) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (TrainingPair p : pairs) {
            StringBuilder sb = new StringBuilder(p.source()).append('\n').append(p.target()).append('\n');
            for (InjectedError e : p.errors()) {
                sb.append(e.type()).append(' ').append(e.start()).append(' ').append(e.end()).append(' ')
                        .append(e.original()).append('|').append(e.replacement()).append('\n');
            }
            sha.update(sb.append('\n').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    // ---- the learner profile's own rules ----

    static final SyntheticErrors LEARNER = new SyntheticErrors(LEX, SyntheticErrors.Profile.LEARNER);

    /** The pairs the learner profile's proposals of {@code rule} make of {@code clean}, one error each. */
    private static List<TrainingPair> made(Rule rule, String clean) {
        Sentence s = new Sentence(WordDiff.tokenize(clean), 1);
        List<TrainingPair> out = new ArrayList<>();
        for (Proposal p : LEARNER.propose(rule.type, s)) if (p.rule() == rule) out.add(SyntheticErrors.render(clean, s, List.of(p)));
        return out;
    }

    /** {@code rule} turns {@code clean} into {@code learner}, recording the error as given (span in the learner's tokens). */
    private static void assertMakes(Rule rule, String clean, String learner, int start, int end, String original, String replacement) {
        assertThat(made(rule, clean)).contains(
                new TrainingPair(learner, clean, List.of(new InjectedError(rule.type, start, end, original, replacement))));
    }

    /**
     * Beginners' sentences that the first tutor left unchanged: the learner profile can make each from
     * its correction, with one error of the expected type. ("Can you help me to find my keys?" is not
     * among them: "help me to find" is English.)
     */
    @Test
    void learnerProfileMakesTheBeginnersErrorsTheFirstTutorMissed() {
        String[][] cases = {
                {"I ate an apple after lunch.", "I ate a apple after lunch.", "ARTICLE"},
                {"Yesterday I ate pizza with my friends.", "Yesterday I eat pizza with my friends.", "TENSE"},
                {"I agree with you.", "I am agree with you.", "VERB_FORM"},
                {"We arrived at the station at six.", "We arrived to the station at six.", "PREPOSITION"},
                {"I visited London last year.", "I have visited London last year.", "TENSE"},
                {"The children are playing in the park.", "The childs are playing in the park.", "NOUN_NUMBER"},
                {"She is taller than her brother.", "She is more taller than her brother.", "ADJ_ADV"},
                {"I received your letter yesterday.", "I recieved your letter yesterday.", "SPELLING"},
                {"He can speak three languages.", "He can speaks three languages.", "VERB_FORM"},
                {"I have lived in this city since 2010.", "I live in this city since 2010.", "TENSE"},
                {"I want to buy new shoes.", "I want to buy a new shoes.", "ARTICLE"},
                {"This is a useful book.", "This is an useful book.", "ARTICLE"},
                {"She has much information about the course.", "She has much informations about the course.", "NOUN_NUMBER"},
                {"She has much information about the course.", "She has many information about the course.", "ARTICLE"},
        };
        for (String[] c : cases) {
            ErrorType type = ErrorType.valueOf(c[2]);
            List<String> made = new ArrayList<>();
            for (long noiseSeed = 1; noiseSeed <= 40; noiseSeed++) {   // the misspelling of a place depends on the draw
                Sentence s = new Sentence(WordDiff.tokenize(c[0]), noiseSeed);
                for (Proposal p : LEARNER.propose(type, s)) made.add(SyntheticErrors.render(c[0], s, List.of(p)).source());
            }
            assertThat(made).as(c[0]).contains(c[1]);
        }
    }

    @Test
    void learnerOnlyRulesAreNeverProposedByTheOriginalProfile() {
        for (String clean : train.subList(0, 1500)) {
            Sentence s = new Sentence(WordDiff.tokenize(clean), 1);
            for (ErrorType type : ErrorType.values()) {
                for (Proposal p : GEN.propose(type, s)) assertThat(p.rule().learnerOnly).as(p.toString()).isFalse();
            }
        }
        assertThat(GEN.propose(ErrorType.SPELLING, new Sentence(WordDiff.tokenize("I received your letter."), 1)))
                .noneMatch(p -> p.rule() == Rule.SPELLING_REAL);
    }

    @Test
    void realMisspellingsComeFromTheListAndAreNotWords() {
        List<String> wrong = LEX.misspellingsOf("received");
        assertThat(wrong).contains("recieved");
        List<TrainingPair> pairs = made(Rule.SPELLING_REAL, "I received your letter.").stream()
                .filter(p -> p.errors().get(0).start() == 1).toList();
        assertThat(pairs).hasSize(1);
        InjectedError e = pairs.get(0).errors().get(0);
        assertThat(wrong).contains(e.original());
        assertThat(pairs.get(0).source()).isEqualTo("I " + e.original() + " your letter.");
        assertThat(e).isEqualTo(new InjectedError(ErrorType.SPELLING, 1, 2, e.original(), "received"));
        assertThat(LEX.isWord(e.original())).isFalse();
        assertThat(made(Rule.SPELLING_REAL, "Until now, I thought so.").get(0).source()).matches("(Untill|Unitl|[A-Z][a-z]+) now, I thought so\\.");
        assertThat(made(Rule.SPELLING_REAL, "Xqzt blorf.")).isEmpty();
        // Learners' misspellings, not slips of the keyboard, and not of short words ("teh").
        assertThat(LEX.misspellingsOf("because")).contains("becuase").doesNotContain("becxause", "becausw", "bnecause");
        assertThat(LEX.misspellingsOf("government")).contains("goverment");
        assertThat(LEX.misspellingsOf("the")).isEmpty();
    }

    @Test
    void articleBeforeAPluralNoun() {
        assertMakes(Rule.A_BEFORE_PLURAL, "I want to buy new shoes.", "I want to buy a new shoes.", 4, 5, "a", "");
        assertMakes(Rule.A_BEFORE_PLURAL, "She likes cats.", "She likes a cats.", 2, 3, "a", "");
        assertMakes(Rule.A_BEFORE_PLURAL, "The children play with old toys.", "The children play with an old toys.", 4, 5, "an", "");
        assertThat(made(Rule.A_BEFORE_PLURAL, "She likes cats.")).noneMatch(p -> p.source().startsWith("She a"));
        assertThat(made(Rule.A_BEFORE_PLURAL, "I bought few books at the shop.")).isEmpty();   // "a few books" is right
        assertThat(made(Rule.A_BEFORE_PLURAL, "They read the news.")).isEmpty();
        assertThat(made(Rule.A_BEFORE_PLURAL, "We like sports cars.")).isEmpty();            // "a sports car"
        assertThat(made(Rule.A_BEFORE_PLURAL, "The fringed sides rose.")).isEmpty();         // "fringed" is no verb here
        assertThat(made(Rule.A_BEFORE_PLURAL, "I want to buy a new shoe.")).isEmpty();
    }

    @Test
    void learnerProfileInsertsNoArticleWhereTheResultMayBeRight() {
        for (String clean : List.of("We went by car.", "They met at night.")) {
            Sentence s = new Sentence(WordDiff.tokenize(clean), 1);
            assertThat(LEARNER.propose(ErrorType.ARTICLE, s)).noneMatch(p -> p.rule() == Rule.ARTICLE_INSERT);
            assertThat(GEN.propose(ErrorType.ARTICLE, s)).anyMatch(p -> p.rule() == Rule.ARTICLE_INSERT);
        }
        assertMakes(Rule.ARTICLE_INSERT, "She gave me advice.", "She gave me an advice.", 3, 4, "an", "");
    }

    @Test
    void wrongPrepositionAfterAVerbThatTakesAFixedOne() {
        assertMakes(Rule.VERB_PREPOSITION, "We arrived at the station at six.", "We arrived to the station at six.", 2, 3, "to", "at");
        assertMakes(Rule.VERB_PREPOSITION, "It depends on the weather.", "It depends of the weather.", 2, 3, "of", "on");
        assertMakes(Rule.VERB_PREPOSITION, "I listen to music every day.", "I listen music every day.", 2, 2, "", "to");
        assertMakes(Rule.VERB_PREPOSITION, "She is afraid of dogs.", "She is afraid from dogs.", 3, 4, "from", "of");
        assertThat(made(Rule.VERB_PREPOSITION, "We looked at the station.")).isEmpty();
        assertThat(made(Rule.VERB_PREPOSITION, "Who will I listen to?")).isEmpty();     // no object after the preposition
        assertThat(made(Rule.VERB_PREPOSITION, "We arrived on Monday.")).isEmpty();     // "arrive on Monday" is right
    }

    @Test
    void beBeforeAPresentTenseVerb() {
        assertMakes(Rule.BE_BEFORE_VERB, "I agree with you.", "I am agree with you.", 1, 2, "am", "");
        assertMakes(Rule.BE_BEFORE_VERB, "He agrees with me.", "He is agrees with me.", 1, 2, "is", "");
        assertMakes(Rule.BE_BEFORE_VERB, "They need a new car.", "They are need a new car.", 1, 2, "are", "");
        assertThat(made(Rule.BE_BEFORE_VERB, "I like pizza.")).isEmpty();              // "I am like ..." can be right
        assertThat(made(Rule.BE_BEFORE_VERB, "They fish in the lake.")).isEmpty();     // "They are fish in the lake" is English
        assertThat(made(Rule.BE_BEFORE_VERB, "Should I agree with you?")).isEmpty();   // a question
        assertThat(made(Rule.BE_BEFORE_VERB, "I agreed with you.")).isEmpty();         // past
        assertThat(made(Rule.BE_BEFORE_VERB, "I am happy.")).isEmpty();
    }

    @Test
    void presentPerfectWithAFinishedTime() {
        assertMakes(Rule.PERFECT_WITH_PAST_TIME, "I visited London last year.", "I have visited London last year.", 1, 2, "have", "");
        assertMakes(Rule.PERFECT_WITH_PAST_TIME, "She went home two days ago.", "She has gone home two days ago.", 1, 3, "has gone", "went");
        assertMakes(Rule.PERFECT_WITH_PAST_TIME, "Yesterday we saw a film.", "Yesterday we have seen a film.", 2, 4, "have seen", "saw");
        assertMakes(Rule.PERFECT_WITH_PAST_TIME, "In fact we met in 2010.", "In fact we have met in 2010.", 3, 4, "have", "");
        assertThat(made(Rule.PERFECT_WITH_PAST_TIME, "I visited London.")).isEmpty();                               // no time
        assertThat(made(Rule.PERFECT_WITH_PAST_TIME, "I visited the shop that opened last year.")).isEmpty();     // the time is the other clause's
        assertThat(made(Rule.PERFECT_WITH_PAST_TIME, "I thought he left yesterday.")).noneMatch(p -> p.source().startsWith("I have"));
        assertThat(made(Rule.PERFECT_WITH_PAST_TIME, "I visit London every year.")).isEmpty();
    }

    @Test
    void presentWithSinceForThePresentPerfect() {
        assertMakes(Rule.SINCE_WITH_PRESENT, "I have lived in this city since 2010.", "I live in this city since 2010.", 1, 2, "live", "have lived");
        assertMakes(Rule.SINCE_WITH_PRESENT, "She has worked here since Monday.", "She works here since Monday.", 1, 2, "works", "has worked");
        assertMakes(Rule.SINCE_WITH_PRESENT, "She has been here since then.", "She is here since then.", 1, 2, "is", "has been");
        assertMakes(Rule.SINCE_WITH_PRESENT, "I have come here since 2015.", "I come here since 2015.", 1, 1, "", "have");
        assertThat(made(Rule.SINCE_WITH_PRESENT, "I have stayed at home since I was ill.")).isEmpty();   // "since" may mean "because"
        assertThat(made(Rule.SINCE_WITH_PRESENT, "I have lived here for years.")).isEmpty();
        assertThat(made(Rule.SINCE_WITH_PRESENT, "I have got a car since 2010.")).isEmpty();
    }

    @Test
    void moreBeforeAComparative() {
        assertMakes(Rule.DOUBLE_COMPARATIVE, "She is taller than her brother.", "She is more taller than her brother.", 2, 3, "more", "");
        assertMakes(Rule.DOUBLE_COMPARATIVE, "This is better than that.", "This is more better than that.", 2, 3, "more", "");
        assertMakes(Rule.DOUBLE_COMPARATIVE, "It is bigger than mine.", "It is more bigger than mine.", 2, 3, "more", "");
        assertMakes(Rule.DOUBLE_COMPARATIVE, "I am happier than before.", "I am more happier than before.", 2, 3, "more", "");
        assertThat(made(Rule.DOUBLE_COMPARATIVE, "She is tall and kind.")).isEmpty();
        assertThat(made(Rule.DOUBLE_COMPARATIVE, "I would rather stay than go.")).isEmpty();
        assertThat(made(Rule.DOUBLE_COMPARATIVE, "She is more careful than me.")).isEmpty();
        assertThat(made(Rule.DOUBLE_COMPARATIVE, "She is taller now.")).isEmpty();
    }

    @Test
    void filterKeepsOrdinarySentencesAndDropsWebNoise() {
        assertThat(GEN.usable("The bus trip down from Sao Paulo is a similar affair.")).isTrue();
        assertThat(GEN.usable("Is it open on Sundays?")).isTrue();
        assertThat(GEN.usable("Too short.")).isFalse();
        assertThat(GEN.usable("see http://example.com for more details on this.")).isFalse();
        assertThat(GEN.usable("Visit www.example.org for the full schedule now.")).isFalse();
        assertThat(GEN.usable("Mail me at someone@example.com about the trip.")).isFalse();
        assertThat(GEN.usable("THIS IS THE BEST PLACE IN TOWN.")).isFalse();
        assertThat(GEN.usable("the sentence starts with a small letter.")).isFalse();
        assertThat(GEN.usable("The sentence has no full stop at its end")).isFalse();
        assertThat(GEN.usable("Yesterday i went to the shop with my friend.")).isFalse();
        assertThat(GEN.usable("Best price ever!!! Buy it now from us.")).isFalse();
        assertThat(GEN.usable("Xqzt blorf wuggle snorp and more.")).isFalse();
        assertThat(GEN.usable("One two three four five six seven eight nine ten one two three four five six seven eight nine ten "
                + "one two three four five six seven eight nine ten one two three four five six seven eight nine ten more.")).isFalse();
    }

    @Test
    void learnerProfileMakesAgreementErrorsAfterNounSubjectsAndTheOriginalDoesNot() {
        SyntheticErrors learner = new SyntheticErrors(LEX, SyntheticErrors.Profile.LEARNER);
        Sentence s = new Sentence(WordDiff.tokenize("My sister works in a bank and these shops sell the bread."), 1);
        List<String> made = new ArrayList<>();
        for (Proposal p : learner.propose(ErrorType.AGREEMENT, s)) made.add(String.join(" ", p.tokens()));
        assertThat(made).contains("work", "sells");
        List<String> original = new ArrayList<>();
        for (Proposal p : GEN.propose(ErrorType.AGREEMENT, s)) original.add(String.join(" ", p.tokens()));
        assertThat(original).doesNotContain("work", "sells");
    }

    @Test
    void learnerProfileInjectsMoreOfTheCommonLearnerTypes() {
        SyntheticErrors learner = new SyntheticErrors(LEX, SyntheticErrors.Profile.LEARNER);
        List<String> some = train.subList(0, 3000);
        double agreementOriginal = share(GEN.pairs(some, 5), ErrorType.AGREEMENT);
        double agreementLearner = share(learner.pairs(some, 5), ErrorType.AGREEMENT);
        double punctuationOriginal = share(GEN.pairs(some, 5), ErrorType.PUNCTUATION);
        double punctuationLearner = share(learner.pairs(some, 5), ErrorType.PUNCTUATION);
        assertThat(agreementLearner).isGreaterThan(agreementOriginal * 1.5);
        assertThat(punctuationLearner).isLessThan(punctuationOriginal);
        List<TrainingPair> learnerPairs = learner.pairs(some, 5);
        double main = 0;
        for (ErrorType t : EnumSet.of(ErrorType.ARTICLE, ErrorType.PREPOSITION, ErrorType.SPELLING, ErrorType.VERB_FORM,
                ErrorType.AGREEMENT, ErrorType.TENSE, ErrorType.NOUN_NUMBER)) {
            double share = share(learnerPairs, t);
            assertThat(share).as(t.toString()).isGreaterThan(0.07);
            main += share;
        }
        assertThat(main).as("the seven commonest learner types together").isGreaterThan(0.8);
        assertThat(SyntheticErrors.Profile.named("Learner")).isEqualTo(SyntheticErrors.Profile.LEARNER);
    }

    private static double share(List<TrainingPair> pairs, ErrorType type) {
        long all = 0, of = 0;
        for (TrainingPair p : pairs) {
            for (var e : p.errors()) {
                all++;
                if (e.type() == type) of++;
            }
        }
        return (double) of / all;
    }

    @Test
    void readsGzippedTextAndLongerSentencesWhenAsked(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String longOne = "The " + "very ".repeat(50) + "old house stood on the hill.";
        Path gz = tmp.resolve("text.txt.gz");
        try (var out = new java.io.PrintWriter(new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(gz)), false,
                java.nio.charset.StandardCharsets.UTF_8)) {
            out.println("The cat sat on the mat.");
            out.println(longOne);
        }
        assertThat(GEN.readClean(gz)).containsExactly("The cat sat on the mat.");
        assertThat(GEN.readClean(gz, 60)).containsExactly("The cat sat on the mat.", longOne);
    }
}
