package miniserve.agent;

import miniserve.agent.Correction.Status;
import miniserve.agent.TextCorrection.SentenceCorrection;
import miniserve.agent.TextCorrection.TextEdit;
import miniserve.language.EditClassifier;
import miniserve.language.ErrorType;
import miniserve.language.SentenceSplitter;
import miniserve.language.SentenceSplitter.Piece;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextCorrectionTest {

    private static final EditClassifier CLASSIFIER = new EditClassifier();

    /** What a tutor would answer for a sentence, given the corrected sentence it produced. */
    private static Correction corrected(String sentence, String output) {
        if (output.equals(sentence)) return new Correction(sentence, sentence, Status.NO_ERRORS, null, List.of(), null, List.of());
        return new Correction(sentence, output, Status.CORRECTED, null, CLASSIFIER.edits(sentence, output), null, List.of());
    }

    /** The text's answer when each sentence is corrected as {@code outputs} says (a sentence not in it has no errors). */
    private static TextCorrection answer(String text, Map<String, String> outputs) {
        List<SentenceCorrection> out = new ArrayList<>();
        List<Piece> pieces = SentenceSplitter.sentences(text);
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            out.add(SentenceCorrection.of(i, p.start(), corrected(p.text(), outputs.getOrDefault(p.text(), p.text()))));
        }
        return TextCorrection.of(text, out, "ana");
    }

    private static List<TextEdit> edits(TextCorrection t) {
        return t.sentences().stream().flatMap(s -> s.edits().stream()).toList();
    }

    @Test
    void aSentenceCorrectedInPiecesIsOneSentencesAnswerWithItsEditsCountedInTheWholeSentence() {
        String sentence = "Last year we was in Rome, and my sister buy a hat; it were red, but she do not wear it.";
        List<Piece> pieces = SentenceSplitter.pieces(sentence, s -> s.split(" ").length, 11);
        assertThat(pieces).hasSize(3);
        Map<String, String> fixes = Map.of("we was", "we were", "buy", "bought", "it were", "it was", "she do", "she does");
        java.util.function.IntFunction<SentenceCorrection> fixed = i -> {
            String out = pieces.get(i).text();
            for (var f : fixes.entrySet()) out = out.replace(f.getKey(), f.getValue());
            return SentenceCorrection.of(i, pieces.get(i).start(), corrected(pieces.get(i).text(), out));
        };
        // the last piece left as it is
        List<SentenceCorrection> out = new ArrayList<>(List.of(fixed.apply(0), fixed.apply(1),
                SentenceCorrection.unchanged(2, pieces.get(2).start(), pieces.get(2).text(), "did not finish")));
        Correction c = TextCorrection.of(sentence, out, "ana").asOneSentence();
        assertThat(c.sentence()).isEqualTo(sentence);
        assertThat(c.corrected()).isEqualTo("Last year we were in Rome, and my sister bought a hat; it was red, but she do not wear it.");
        assertThat(c.status()).isEqualTo(Status.CORRECTED);
        assertThat(c.reason()).isEqualTo("did not finish");
        assertThat(c.learnerId()).isEqualTo("ana");
        // the same edits as the whole sentence's diff, word spans counted from the sentence's first word
        assertThat(c.edits()).isEqualTo(CLASSIFIER.edits(sentence, c.corrected()));

        out.set(2, fixed.apply(2));
        Correction all = TextCorrection.of(sentence, out, null).asOneSentence();
        assertThat(all.reason()).isNull();
        assertThat(all.edits()).isEqualTo(CLASSIFIER.edits(sentence, all.corrected()));
        assertThat(all.edits()).extracting(e -> e.start()).containsExactly(3, 10, 15, 20);
        var tokens = miniserve.language.WordDiff.tokenize(sentence);
        for (var e : all.edits()) assertThat(miniserve.language.WordDiff.text(sentence, tokens, e.start(), e.end())).isEqualTo(e.original());
    }

    @Test
    void editsArePlacedInTheWholeTextWithRepeatedWordsAccentsEmojiAndSpacing() {
        String text = "I has  a cat.\n\nThe the cat are nice \uD83D\uDE00.   Caf\u00e9 is good.\n i dont know"; // a line break ends a sentence, a lowercase start alone does not
        TextCorrection t = answer(text, Map.of(
                "I has  a cat.", "I have a cat.",
                "The the cat are nice \uD83D\uDE00.", "The cat is nice \uD83D\uDE00.",
                "i dont know", "I don't know."));

        assertThat(t.text()).isEqualTo(text);
        assertThat(t.corrected()).isEqualTo("I have a cat.\n\nThe cat is nice \uD83D\uDE00.   Caf\u00e9 is good.\n I don't know.");
        assertThat(t.status()).isEqualTo(Status.CORRECTED);
        assertThat(t.learnerId()).isEqualTo("ana");
        assertThat(t.sentences()).extracting(SentenceCorrection::index).containsExactly(0, 1, 2, 3);
        assertThat(t.sentences()).extracting(SentenceCorrection::status)
                .containsExactly(Status.CORRECTED, Status.CORRECTED, Status.NO_ERRORS, Status.CORRECTED);
        for (SentenceCorrection s : t.sentences())
            assertThat(text.substring(s.textStart(), s.textEnd())).isEqualTo(s.sentence());

        // every replaced or deleted span quotes the learner's own text at its offsets
        for (TextEdit e : edits(t))
            if (e.start() < e.end()) assertThat(text.substring(e.textStart(), e.textEnd())).as(e.toString()).isEqualTo(e.original());

        List<TextEdit> all = edits(t);
        assertThat(all).extracting(TextEdit::original).containsExactly("has", "the", "are", "i", "dont", "");
        // the second "the", not the first: after "The " (the sentence starts at 15)
        int sentence2 = text.indexOf("The the");
        assertThat(all.get(1).textStart()).isEqualTo(sentence2 + 4);
        // "are" after the emoji-free part; "Café" after the emoji (two UTF-16 units) is where its sentence says
        assertThat(all.get(2).textStart()).isEqualTo(text.indexOf("are"));
        assertThat(t.sentences().get(2).textStart()).isEqualTo(text.indexOf("Caf\u00e9"));
        // "i" -> "I" and the full stop added at the end: an insertion is a point
        assertThat(all.get(3).textStart()).isEqualTo(text.lastIndexOf('i'));
        TextEdit stop = all.get(5);
        assertThat(stop.replacement()).isEqualTo(".");
        assertThat(stop.textStart()).isEqualTo(text.length()).isEqualTo(stop.textEnd());
        assertThat(t.errorTypes()).containsExactly(all.stream().map(TextEdit::type).toArray(ErrorType[]::new));
        assertThat(t.errorTypes()).hasSize(6);
    }

    @Test
    void anInsertedWordGoesBeforeTheWordItPrecedes() {
        String text = "Hello there.  I saw cat in garden.";
        TextCorrection t = answer(text, Map.of("I saw cat in garden.", "I saw a cat in the garden."));
        List<TextEdit> all = edits(t);
        assertThat(all).extracting(TextEdit::replacement).containsExactly("a", "the");
        assertThat(all.get(0).textStart()).isEqualTo(text.indexOf("cat")).isEqualTo(all.get(0).textEnd());
        assertThat(all.get(1).textStart()).isEqualTo(text.indexOf("garden")).isEqualTo(all.get(1).textEnd());
        assertThat(t.corrected()).isEqualTo("Hello there.  I saw a cat in the garden.");
    }

    @Test
    void theTextsStatusIsCorrectedIfAnyPieceIsElseUnchangedIfAnyIsElseNoErrors() {
        String text = "It is fine. So is this.";
        assertThat(answer(text, Map.of()).status()).isEqualTo(Status.NO_ERRORS);
        assertThat(answer(text, Map.of()).corrected()).isEqualTo(text);
        SentenceCorrection fine = SentenceCorrection.of(0, 0, corrected("It is fine.", "It is fine."));
        SentenceCorrection left = SentenceCorrection.unchanged(1, 12, "So is this.", "too long");
        TextCorrection mixed = TextCorrection.of(text, List.of(fine, left), null);
        assertThat(mixed.status()).isEqualTo(Status.UNCHANGED);
        assertThat(mixed.corrected()).isEqualTo(text);
        assertThat(mixed.sentences().get(1).reason()).isEqualTo("too long");
        assertThat(mixed.sentences().get(1).textEnd()).isEqualTo(text.length());
        assertThat(mixed.errorTypes()).isEmpty();
    }

    @Test
    void aPieceThatIsNotTheTextsOwnIsRefused() {
        SentenceCorrection elsewhere = SentenceCorrection.of(0, 3, corrected("It is fine.", "It is fine."));
        assertThatThrownBy(() -> TextCorrection.of("It is fine.", List.of(elsewhere), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
