package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import miniserve.language.WordDiff.Change;
import miniserve.language.WordDiff.Token;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WordDiffTest {

    private static List<String> texts(String s) {
        return WordDiff.tokenize(s).stream().map(Token::text).toList();
    }

    @Test
    void splitsWordsAndPunctuationKeepingOffsets() {
        String s = "I don't know, it's 3.5 km (well-known)... ok?";
        List<Token> tokens = WordDiff.tokenize(s);
        assertThat(tokens.stream().map(Token::text).toList())
                .containsExactly("I", "don't", "know", ",", "it's", "3.5", "km", "(", "well-known", ")", "...", "ok", "?");
        for (Token t : tokens) assertThat(s.substring(t.start(), t.end())).isEqualTo(t.text());
        assertThat(tokens.get(3).isWord()).isFalse();
        assertThat(tokens.get(5).isWord()).isTrue();
    }

    @Test
    void keepsNumbersWithSeparatorsButNotTrailingPeriods() {
        assertThat(texts("It costs 1,000 dollars at 10:30.")).containsExactly("It", "costs", "1,000", "dollars", "at", "10:30", ".");
        assertThat(texts("Rock 'n' roll, students' books")).containsExactly("Rock", "'", "n", "'", "roll", ",", "students", "'", "books");
        assertThat(texts("Caf\u00e9 na\u00efve \u2019quoted\u2019 it\u2019s")).containsExactly("Caf\u00e9", "na\u00efve", "\u2019", "quoted", "\u2019", "it\u2019s");
        assertThat(texts("  ")).isEmpty();
    }

    @Test
    void findsInsertionsDeletionsAndReplacements() {
        List<Token> a = WordDiff.tokenize("I saw cat in the the garden");
        List<Token> b = WordDiff.tokenize("I saw a cat in the garden.");
        List<Change> changes = WordDiff.changes(a, b);
        assertThat(changes).containsExactly(
                new Change(2, 2, 2, 3),      // insert "a"
                new Change(5, 6, 6, 6),      // drop the second "the"
                new Change(7, 7, 7, 8));     // add the full stop
        assertThat(WordDiff.changes(a, a)).isEmpty();
        assertThat(WordDiff.changes(WordDiff.tokenize("He go home"), WordDiff.tokenize("He goes home")))
                .containsExactly(new Change(1, 2, 1, 2));
    }

    @Test
    void groupsNeighbouringChangesAndReportsMovedWordsAsOne() {
        assertThat(WordDiff.changes(WordDiff.tokenize("She have went"), WordDiff.tokenize("She has gone")))
                .containsExactly(new Change(1, 3, 1, 3));
        assertThat(WordDiff.changes(WordDiff.tokenize("She has a car red ."), WordDiff.tokenize("She has a red car .")))
                .containsExactly(new Change(3, 5, 3, 5));
        assertThat(WordDiff.changes(WordDiff.tokenize("I like very much it"), WordDiff.tokenize("I like it very much")))
                .containsExactly(new Change(2, 5, 2, 5));
    }

    @Test
    void joinsWithOrdinarySpacing() {
        assertThat(WordDiff.join(List.of("Hello", ",", "world", "(", "again", ")", "!"))).isEqualTo("Hello, world (again)!");
        assertThat(WordDiff.join(List.of("I", "do", "n't", "know", "."))).isEqualTo("I don't know.");
    }

    @Test
    void spansAreCharacterOffsetsOfTheWordsTheyCover() {
        String s = "Caf\u00e9 \uD83D\uDE00 the the  cat , sat";
        List<Token> t = WordDiff.tokenize(s); // Café, emoji, the, the, cat, ",", sat
        assertThat(t).hasSize(7);
        WordDiff.Span secondThe = WordDiff.span(t, 3, 4, "");
        assertThat(secondThe).isEqualTo(new WordDiff.Span(12, 15)); // the emoji counts two units
        assertThat(s.substring(secondThe.start(), secondThe.end())).isEqualTo("the");
        WordDiff.Span several = WordDiff.span(t, 2, 5, "a dog");
        assertThat(s.substring(several.start(), several.end())).isEqualTo("the the  cat"); // spacing inside kept
        assertThat(WordDiff.span(t, 0, 1, "Coffee")).isEqualTo(new WordDiff.Span(0, 4));
    }

    @Test
    void anInsertionIsAPointBeforeTheNextWordOrAfterTheWordItLeansOn() {
        String s = "I have car  in garden";
        List<Token> t = WordDiff.tokenize(s);
        assertThat(WordDiff.span(t, 2, 2, "a")).isEqualTo(new WordDiff.Span(7, 7)); // before "car"
        assertThat(WordDiff.span(t, 3, 3, ",")).isEqualTo(new WordDiff.Span(10, 10)); // right after "car"
        assertThat(WordDiff.span(t, 5, 5, ".")).isEqualTo(new WordDiff.Span(s.length(), s.length())); // at the end
        assertThat(WordDiff.span(t, 5, 5, "today")).isEqualTo(new WordDiff.Span(s.length(), s.length()));
        assertThat(WordDiff.span(t, 0, 0, "Yes")).isEqualTo(new WordDiff.Span(0, 0));
        assertThat(WordDiff.span(List.of(), 0, 0, "x")).isEqualTo(new WordDiff.Span(0, 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WordDiff.span(t, 4, 6, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Applying the changes to the source gives the target, for any two token sequences. */
    @Property(tries = 300)
    void changesRebuildTheTarget(@ForAll @Size(max = 12) List<@IntRange(max = 5) Integer> a,
                                 @ForAll @Size(max = 12) List<@IntRange(max = 5) Integer> b) {
        List<Token> src = tokens(a);
        List<Token> tgt = tokens(b);
        List<Change> changes = WordDiff.changes(src, tgt);
        List<String> rebuilt = new ArrayList<>();
        int at = 0, lastEnd = -1;
        for (Change c : changes) {
            assertThat(c.srcStart()).isGreaterThan(lastEnd - (c.isInsertion() ? 1 : 0));
            for (; at < c.srcStart(); at++) rebuilt.add(src.get(at).text());
            for (int k = c.tgtStart(); k < c.tgtEnd(); k++) rebuilt.add(tgt.get(k).text());
            at = c.srcEnd();
            lastEnd = c.srcEnd();
        }
        for (; at < src.size(); at++) rebuilt.add(src.get(at).text());
        assertThat(rebuilt).isEqualTo(tgt.stream().map(Token::text).toList());
    }

    private static List<Token> tokens(List<Integer> ids) {
        List<Token> out = new ArrayList<>();
        for (int id : ids) out.add(new Token("w" + id, 0, 2));
        return out;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            I ate a apple.                          | I ate an apple.
            i go to school yesterday                | I went to school yesterday.
            I listen music every day.               | I listen to music every day.
            We discussed about the plan.            | We discussed the plan.
            Yesterday I went home                   | Yesterday, I went home.
            The the dog barks.                      | The dog barks.
            He don't like , the rain.               | He doesn't like the rain.
            She like it.                            | She likes it very much.
            """)
    void theEditsMadeToTheLearnersSentenceGiveTheCorrection(String learner, String corrected) {
        List<Edit> edits = new EditClassifier().edits(learner, corrected);
        assertThat(edits).isNotEmpty();
        assertThat(WordDiff.apply(learner, edits)).isEqualTo(corrected);
    }

    @Test
    void someOfTheEditsMadeLeaveTheRestAsTheLearnerWroteIt() {
        String learner = "yesterday she go to Mountain View with 2 friend";
        List<Edit> edits = new EditClassifier().edits(learner, "Yesterday she went to Mountain Visions with 2 friends.");
        assertThat(edits).extracting(Edit::original).contains("go", "View", "friend");
        List<Edit> some = edits.stream().filter(e -> !e.original().equals("View")).toList();
        assertThat(WordDiff.apply(learner, some)).isEqualTo("Yesterday she went to Mountain View with 2 friends.");
        assertThat(WordDiff.apply(learner, List.of())).isEqualTo(learner);
    }

    @Test
    void overlappingEditsAreRefused() {
        List<Edit> edits = List.of(
                new Edit(1, 3, "go to", "went to", ErrorType.TENSE, "x"),
                new Edit(2, 3, "to", "into", ErrorType.PREPOSITION, "y"));
        assertThatThrownBy(() -> WordDiff.apply("I go to school.", edits))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
    }
}
