package miniserve.agent;

import miniserve.agent.Correction.ErrorCount;
import miniserve.agent.Correction.Status;
import miniserve.language.Edit;
import miniserve.language.ErrorType;
import miniserve.language.WordDiff;

import java.util.ArrayList;
import java.util.List;

/**
 * The tutor's answer for a text: each of its pieces (a sentence, or a clause of a sentence too long for
 * the model) corrected on its own, placed back into the text; serialised as the JSON body of
 * {@code POST /correct} with a {@code "text"} (snake_case; the README's "HTTP API" section documents it).
 *
 * @param text           the learner's text, exactly as received
 * @param corrected      the text with each piece replaced by its correction, everything between pieces kept
 * @param status         corrected if any piece was; else unchanged if any piece was left as it was
 *                       without a check (see {@link SentenceCorrection#reason}); else no errors
 * @param sentences      the pieces, in text order
 * @param learnerId      the learner the request named, or null
 * @param frequentErrors the learner's most frequent error types, this text's included (see {@link Correction})
 */
public record TextCorrection(String text, String corrected, Status status, List<SentenceCorrection> sentences, String learnerId,
                             List<ErrorCount> frequentErrors) {

    public TextCorrection {
        sentences = List.copyOf(sentences);
        frequentErrors = List.copyOf(frequentErrors);
    }

    /**
     * One piece of the text and its correction.
     *
     * @param index     its place among the text's pieces, from 0
     * @param textStart where the piece starts in the text (a UTF-16 index, as JavaScript counts)
     * @param textEnd   where it ends, exclusive
     * @param sentence  the piece, {@code text.substring(textStart, textEnd)}
     */
    public record SentenceCorrection(int index, int textStart, int textEnd, String sentence, String corrected, Status status,
                                     String reason, List<TextEdit> edits) {
        public SentenceCorrection {
            edits = List.copyOf(edits);
        }

        /** The correction of the piece at {@code [textStart, ...)} of the text, its edits placed in the text. */
        public static SentenceCorrection of(int index, int textStart, Correction c) {
            List<WordDiff.Token> tokens = WordDiff.tokenize(c.sentence());
            List<TextEdit> edits = new ArrayList<>(c.edits().size());
            for (Edit e : c.edits()) {
                WordDiff.Span at = WordDiff.span(tokens, e.start(), e.end(), e.replacement());
                edits.add(new TextEdit(e.start(), e.end(), e.original(), e.replacement(), e.type(), e.explanation(),
                        textStart + at.start(), textStart + at.end()));
            }
            return new SentenceCorrection(index, textStart, textStart + c.sentence().length(), c.sentence(), c.corrected(), c.status(),
                    c.reason(), edits);
        }

        /** A piece left as it is, for {@code reason}, without asking the model. */
        public static SentenceCorrection unchanged(int index, int textStart, String sentence, String reason) {
            return new SentenceCorrection(index, textStart, textStart + sentence.length(), sentence, sentence, Status.UNCHANGED,
                    reason, List.of());
        }
    }

    /**
     * An {@link Edit} of a piece (its word span {@code [start, end)} counted in the piece, as in a sentence's
     * answer), and where its {@code original} is in the whole text: {@code [textStart, textEnd)}, in UTF-16
     * indices. An insertion has {@code textStart == textEnd}, at the point {@link WordDiff#span} gives.
     */
    public record TextEdit(int start, int end, String original, String replacement, ErrorType type, String explanation,
                           int textStart, int textEnd) {}

    /**
     * The text's answer from its pieces' corrections (in text order, not overlapping, each within the text).
     *
     * @throws IllegalArgumentException if a piece is not the text's own characters at its offsets
     */
    public static TextCorrection of(String text, List<SentenceCorrection> sentences, String learnerId) {
        StringBuilder corrected = new StringBuilder(text.length() + 16);
        int at = 0;
        boolean anyCorrected = false, anyUnchanged = false;
        for (SentenceCorrection s : sentences) {
            if (s.textStart() < at || s.textEnd() > text.length() || !text.startsWith(s.sentence(), s.textStart()))
                throw new IllegalArgumentException("piece " + s.index() + " is not the text's own at [" + s.textStart() + ", "
                        + s.textEnd() + ")");
            corrected.append(text, at, s.textStart()).append(s.corrected());
            at = s.textEnd();
            anyCorrected |= s.status() == Status.CORRECTED;
            anyUnchanged |= s.status() == Status.UNCHANGED;
        }
        corrected.append(text, at, text.length());
        Status status = anyCorrected ? Status.CORRECTED : anyUnchanged ? Status.UNCHANGED : Status.NO_ERRORS;
        return new TextCorrection(text, corrected.toString(), status, sentences, learnerId, List.of());
    }

    /**
     * This answer as one sentence's: for a sentence that was corrected in pieces (cut at its clauses because
     * one answer for all of it would not end within the generation budget). The edits' word spans are
     * counted in the whole sentence; the reasons of pieces left unchanged are joined.
     */
    public Correction asOneSentence() {
        List<WordDiff.Token> tokens = WordDiff.tokenize(text);
        List<Edit> edits = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (SentenceCorrection s : sentences) {
            int offset = 0; // the whole sentence's tokens before the piece: a piece starts and ends at a token's edge
            while (offset < tokens.size() && tokens.get(offset).end() <= s.textStart()) offset++;
            for (TextEdit e : s.edits())
                edits.add(new Edit(e.start() + offset, e.end() + offset, e.original(), e.replacement(), e.type(), e.explanation()));
            if (s.reason() != null) reasons.add(s.reason());
        }
        return new Correction(text, corrected, status, reasons.isEmpty() ? null : String.join("; ", reasons), edits, learnerId,
                frequentErrors);
    }

    /** The types of every edit of the text, in text order: what the learner's history records for it, once. */
    public List<ErrorType> errorTypes() {
        List<ErrorType> out = new ArrayList<>();
        for (SentenceCorrection s : sentences) for (TextEdit e : s.edits()) out.add(e.type());
        return out;
    }

    /** This answer with the learner's frequent errors filled in. */
    public TextCorrection withFrequentErrors(List<ErrorCount> frequent) {
        return new TextCorrection(text, corrected, status, sentences, learnerId, frequent);
    }
}
