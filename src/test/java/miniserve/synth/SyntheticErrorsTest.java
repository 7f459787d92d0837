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
    void everyRuleIsUsedOnTheTrainingText() {
        Set<Rule> used = EnumSet.noneOf(Rule.class);
        for (String clean : train.subList(0, 3000)) {
            Sentence s = new Sentence(WordDiff.tokenize(clean), 1);
            for (ErrorType type : ErrorType.values()) for (Proposal p : GEN.propose(type, s)) used.add(p.rule());
        }
        assertThat(used).isEqualTo(EnumSet.allOf(Rule.class));
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
