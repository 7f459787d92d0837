package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import miniserve.language.SentenceSplitter.Piece;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    /** Words and punctuation marks as the tutor's diff counts them: a stand-in for the model's tokens. */
    private static final ToIntFunction<String> WORDS = s -> WordDiff.tokenize(s).size();

    private static List<String> texts(List<Piece> pieces) {
        return pieces.stream().map(Piece::text).toList();
    }

    /** Every piece is the text's own characters at its offsets, trimmed, in order, not overlapping. */
    private static void assertPiecesOf(String text, List<Piece> pieces) {
        int at = 0;
        for (Piece p : pieces) {
            assertThat(p.start()).as("piece %s starts after the previous one", p).isGreaterThanOrEqualTo(at);
            assertThat(text.substring(p.start(), p.end())).isEqualTo(p.text());
            assertThat(p.text()).isEqualTo(p.text().strip()).isNotBlank();
            at = p.end();
        }
    }

    @Test
    void splitsSentencesKeepingTheirOffsetsAcrossSpacesAndNewlines() {
        String text = "I has a cat.   He are nice!\n\n  We goes home?\tYes.\r\nThe end";
        List<Piece> s = SentenceSplitter.sentences(text);
        assertThat(texts(s)).containsExactly("I has a cat.", "He are nice!", "We goes home?", "Yes.", "The end");
        assertPiecesOf(text, s);
        assertThat(s.get(1).start()).isEqualTo(text.indexOf("He"));
        assertThat(s.get(2).start()).isEqualTo(text.indexOf("We"));
        assertThat(s.get(4).end()).isEqualTo(text.length());
        assertThat(s).allMatch(Piece::fits);
    }

    @Test
    void aLineBreakEndsASentenceThatHasNoFullStop() {
        String text = "My holiday\nLast summer I go to the sea\n\nDear Ana,\nthank you.";
        assertThat(texts(SentenceSplitter.sentences(text)))
                .containsExactly("My holiday", "Last summer I go to the sea", "Dear Ana,", "thank you.");
    }

    @Test
    void countsOffsetsInUtf16UnitsWithAccentsAndEmoji() {
        String text = "Caf\u00e9 is good \uD83D\uDE00. Na\u00efve people goes home.  \uD83D\uDC4D Ok.";
        List<Piece> s = SentenceSplitter.sentences(text);
        assertThat(texts(s)).containsExactly("Caf\u00e9 is good \uD83D\uDE00.", "Na\u00efve people goes home.", "\uD83D\uDC4D Ok.");
        assertPiecesOf(text, s);
        // the emoji is two UTF-16 units: the second sentence starts 17 units in, not 16 code points
        assertThat(s.get(1).start()).isEqualTo(17);
        assertThat(text.codePointCount(0, s.get(1).start())).isEqualTo(16);
    }

    @Test
    void aFullStopOrSymbolTheIteratorCutsOffStaysWithItsSentence() {
        // the JDK's rules cut "I am happy" | "." | " \uD83D\uDE00" here
        assertThat(texts(SentenceSplitter.sentences("I am happy. \uD83D\uDE00"))).containsExactly("I am happy. \uD83D\uDE00");
        assertThat(texts(SentenceSplitter.sentences("I am happy.  \uD83D\uDC4D We goes."))).containsExactly("I am happy.", "\uD83D\uDC4D We goes.");
        // but not across a line
        assertThat(texts(SentenceSplitter.sentences("Hello.\n:-)\nBye."))).containsExactly("Hello.", ":-)", "Bye.");
    }

    @Test
    void blankTextsHaveNoSentences() {
        assertThat(SentenceSplitter.sentences("")).isEmpty();
        assertThat(SentenceSplitter.sentences(" \n\t\u00a0 \r\n")).isEmpty();
        assertThat(texts(SentenceSplitter.sentences("  One.  "))).containsExactly("One.");
    }

    @Test
    void shortSentencesAreNotCut() {
        String text = "She go to school, and he stay home. Yes, it is.";
        assertThat(SentenceSplitter.pieces(text, WORDS, 20)).isEqualTo(SentenceSplitter.sentences(text));
    }

    @Test
    void aLongSentenceIsCutFirstAtACommaBeforeAConjunction() {
        // 9 + 7 words and marks: the limit 12 forces a cut; the comma after "Sunday" opens no clause
        String text = "On Sunday, we goes to the park, and we plays football with friend.";
        List<Piece> p = SentenceSplitter.pieces(text, WORDS, 12);
        assertThat(texts(p)).containsExactly("On Sunday, we goes to the park,", "and we plays football with friend.");
        assertPiecesOf(text, p);
        assertThat(p).allMatch(Piece::fits);
    }

    @Test
    void semicolonsAndColonsAreStrongBoundariesAndPiecesAreAsLongAsTheyMayBe() {
        String text = "a b c; d e f; g h i: j k l; m n o.";
        // 4 marks-and-words per clause; 8 fit: two clauses a piece
        List<Piece> p = SentenceSplitter.pieces(text, WORDS, 8);
        assertThat(texts(p)).containsExactly("a b c; d e f;", "g h i: j k l;", "m n o.");
        assertThat(p).allMatch(x -> WORDS.applyAsInt(x.text()) <= 8);
    }

    @Test
    void aClauseStillTooLongIsCutAtAnyComma() {
        String text = "I bought apples, pears, plums, grapes, lemons and melons, because they was cheap.";
        List<Piece> p = SentenceSplitter.pieces(text, WORDS, 6);
        assertPiecesOf(text, p);
        assertThat(p).allMatch(Piece::fits).allMatch(x -> WORDS.applyAsInt(x.text()) <= 6);
        assertThat(texts(p)).containsExactly("I bought apples, pears,", "plums, grapes,", "lemons and melons,", "because they was cheap.");
    }

    @Test
    void aPieceWithNoBoundaryLeftIsReturnedAsItIsWithAReason() {
        String text = "Short one. This sentence has far too many words for the model and no comma at all. Then, a last one.";
        List<Piece> p = SentenceSplitter.pieces(text, WORDS, 6);
        assertPiecesOf(text, p);
        assertThat(texts(p)).containsExactly("Short one.", "This sentence has far too many words for the model and no comma at all.",
                "Then, a last one.");
        assertThat(p.get(1).fits()).isFalse();
        assertThat(p.get(1).reason()).contains("16 tokens", "at most 6");
        assertThat(p.get(0).fits()).isTrue();
        assertThat(p.get(2).fits()).isTrue();
    }

    @Test
    void onlyTheTooLongPartOfACutSentenceGetsAReason() {
        String text = "Yes, and this clause has very many words without any mark to cut it at.";
        List<Piece> p = SentenceSplitter.pieces(text, WORDS, 5);
        assertThat(texts(p)).containsExactly("Yes,", "and this clause has very many words without any mark to cut it at.");
        assertThat(p.get(0).fits()).isTrue();
        assertThat(p.get(1).fits()).isFalse();
    }

    @Test
    void aSentenceALearnerStartsInLowerCaseIsASentenceToo() {
        String text = "I like cats. my sister like dogs! and you? we both like birds.";
        assertThat(texts(SentenceSplitter.sentences(text)))
                .containsExactly("I like cats.", "my sister like dogs!", "and you?", "we both like birds.");
    }

    @Test
    void aFullStopOfAnAbbreviationOrAnInitialBeforeALowerCaseWordEndsNoSentenceButIsAPlaceToCut() {
        for (String text : new String[] {"Bring pens, paper etc. and a ruler.", "It is red, e.g. a tomato.", "Ask J. and me.",
                "We met Mr. smith there."})
            assertThat(texts(SentenceSplitter.sentences(text))).as(text).containsExactly(text);
        String text = "Bring pens, paper etc. and a ruler to the class on Monday.";
        assertThat(texts(SentenceSplitter.pieces(text, WORDS, 4))).contains("paper etc.", "and a ruler to the class on Monday.");
    }

    @Test
    void onlyAPieceCutAfterACommaSemicolonOrColonOnItsLineContinuesASentence() {
        String text = "We went out, and it rained; we stayed: all day. So we read.\nDear Ann,\nwe are back.";
        List<Piece> p = SentenceSplitter.pieces(text, WORDS, 3);
        assertThat(texts(p)).containsExactly("We went out,", "and it rained;", "we stayed:", "all day.", "So we read.", "Dear Ann,",
                "we are back.");
        assertThat(p.stream().map(piece -> SentenceSplitter.continuesSentence(text, piece)).toList())
                .containsExactly(false, true, true, true, false, false, false);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> SentenceSplitter.pieces("Hi.", WORDS, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random texts of sentences and clauses joined by random white space: nothing is lost, moved or made up. */
    @Property(tries = 300)
    void piecesCoverEveryNonSpaceCharacterOfTheTextInOrder(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 10_000) Integer> seeds,
            @ForAll @IntRange(min = 1, max = 12) int limit) {
        String[] words = {"she", "goes", "caf\u00e9", "\uD83D\uDE00", "and", "because", "the", "Mr.", "3.5", "don't"};
        String[] marks = {",", ";", ":", ".", "!", "?", ""};
        String[] spaces = {" ", "  ", "\n", "\r\n", "\t", " \n\n "};
        StringBuilder sb = new StringBuilder();
        for (int seed : seeds) {
            sb.append(words[seed % words.length]).append(marks[(seed / 10) % marks.length]);
            sb.append(spaces[(seed / 70) % spaces.length]);
        }
        String text = sb.toString();
        List<Piece> pieces = SentenceSplitter.pieces(text, WORDS, limit);
        assertPiecesOf(text, pieces);
        StringBuilder covered = new StringBuilder();
        for (Piece p : pieces) {
            covered.append(p.text());
            if (p.fits()) assertThat(WORDS.applyAsInt(p.text())).isLessThanOrEqualTo(limit);
            else assertThat(WORDS.applyAsInt(p.text())).isGreaterThan(limit);
        }
        assertThat(nonSpace(covered.toString())).isEqualTo(nonSpace(text));
    }

    private static String nonSpace(String s) {
        List<Integer> cps = new ArrayList<>();
        s.codePoints().filter(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)).forEach(cps::add);
        StringBuilder out = new StringBuilder();
        for (int c : cps) out.appendCodePoint(c);
        return out.toString();
    }
}
