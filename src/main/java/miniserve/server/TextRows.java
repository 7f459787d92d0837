package miniserve.server;

import miniserve.agent.Correction;
import miniserve.agent.TextCorrection;
import miniserve.agent.TextCorrection.SentenceCorrection;
import miniserve.language.Edit;
import miniserve.language.EditClassifier;
import miniserve.language.ErrorType;
import miniserve.language.SentenceSplitter;
import miniserve.language.SentenceSplitter.Piece;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request's rows in the model: a sentence is one row (or, when its answer could not end within the
 * generation budget, one per clause); a text is one row per piece (its sentences, a
 * sentence too long for the model cut at clause boundaries, see {@link SentenceSplitter#pieces}), all
 * submitted together to the same {@link RequestQueue} as every other request, so they batch with each
 * other and with the rest. A piece the model cannot take is answered at once, unchanged, with its reason.
 *
 * <p>The handler's thread asks for the pieces as their rows finish, in whatever order they do
 * ({@link #next}), and then for the whole answer ({@link #answer}). The model threads only complete the
 * rows' futures; each completion puts the row's index in a queue without a bound, so a model thread never
 * waits for a handler, let alone for a client.
 */
final class TextRows {

    private final RequestBody body;
    private final String text; // the text, or the sentence
    private final List<Piece> pieces;
    private final List<CompletableFuture<Object>> rows = new ArrayList<>(); // one per piece; null for a piece not sent
    private final Object[] results;
    private final BlockingQueue<Integer> finished = new LinkedBlockingQueue<>();
    private int handedOut;

    private TextRows(RequestBody body, String text, List<Piece> pieces) {
        this.body = body;
        this.text = text;
        this.pieces = pieces;
        this.results = new Object[pieces.size()];
    }

    /**
     * A request's pieces, checked: a sentence longer than the model takes is a 413 {@code sentence_too_long}
     * (a text's is cut instead), a text of no sentence at all a 400 {@code blank_text}, a text of more
     * sentences than the queue holds ({@code maxRows}) a 413 {@code text_too_long}.
     */
    static TextRows plan(RequestBody body, ModelBackend backend, int maxRows) {
        int limit = backend.maxSentenceTokens();
        return switch (body) {
            case CorrectionRequest r -> {
                int tokens = backend.sentenceTokens(r.sentence());
                if (tokens > limit)
                    throw new ApiError(413, "sentence_too_long", "the sentence is " + tokens + " tokens long; the model takes at most "
                            + limit + " (split it into shorter sentences)");
                // A sentence whose answer could not end within the generation budget is cut at its clauses like a
                // text's, and its pieces' corrections are put back together as one sentence's (answer()); one that
                // cannot be cut into pieces that fit goes whole, for the model to try.
                List<Piece> whole = List.of(new Piece(0, r.sentence().length(), r.sentence(), null));
                List<Piece> pieces = tokens > backend.maxPieceTokens()
                        ? SentenceSplitter.pieces(r.sentence(), backend::sentenceTokens, backend.maxPieceTokens())
                        : whole;
                yield new TextRows(r, r.sentence(), pieces.stream().allMatch(Piece::fits) ? pieces : whole);
            }
            case TextRequest t -> {
                // A text's sentence is cut to what the model can answer, not only to what its context takes.
                List<Piece> pieces = SentenceSplitter.pieces(t.text(), backend::sentenceTokens, backend.maxPieceTokens());
                if (pieces.isEmpty()) throw new ApiError(400, "blank_text", "\"text\" must contain some text");
                long sent = pieces.stream().filter(Piece::fits).count();
                if (sent > maxRows)
                    throw new ApiError(413, "text_too_long", "the text has " + sent + " sentences; this server queues at most " + maxRows
                            + " at once (send it in parts)");
                yield new TextRows(t, t.text(), pieces);
            }
        };
    }

    /** How many pieces the request has (the events a stream sends before its answer). */
    int size() {
        return pieces.size();
    }

    /**
     * Submits the rows, all together or none.
     *
     * @throws SchedulerRejection when the queue refuses them (full, or shutting down): nothing was queued
     */
    void submit(RequestQueue<CorrectionRequest, Object> queue) {
        List<CorrectionRequest> payloads = new ArrayList<>();
        for (Piece p : pieces)
            if (p.fits()) payloads.add(body instanceof CorrectionRequest r && pieces.size() == 1 ? r : new CorrectionRequest(p.text(), body.learnerId()));
        List<CompletableFuture<Object>> submitted = queue.submitAll(payloads);
        int next = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int index = i;
            if (!pieces.get(i).fits()) {
                rows.add(null);
                finished.add(index);
                continue;
            }
            CompletableFuture<Object> f = submitted.get(next++);
            rows.add(f);
            f.whenComplete((r, t) -> finished.add(index)); // on the model thread: an unbounded queue, never waits
        }
    }

    /**
     * Cancels the rows not finished yet (the client went, or another row failed): they are dropped from the
     * queue or from their row at the model's next step. Returns how many were cancelled.
     */
    int cancel() {
        int n = 0;
        for (CompletableFuture<Object> f : rows) if (f != null && f.cancel(false)) n++;
        return n;
    }

    /** Whether every piece has been handed out by {@link #next}. */
    boolean allHandedOut() {
        return handedOut == pieces.size();
    }

    /**
     * Waits for the next piece to finish (any order) and returns its index; its correction is then
     * {@link #sentence}.
     *
     * @throws ExecutionException    its row failed (the model, or its deadline: a {@link SchedulerRejection})
     * @throws CancellationException its row was cancelled
     */
    int next() throws InterruptedException, ExecutionException {
        if (allHandedOut()) throw new IllegalStateException("every piece has been handed out");
        int i = finished.take();
        handedOut++;
        CompletableFuture<Object> f = rows.get(i);
        if (f != null) results[i] = f.get(); // done: does not wait
        return i;
    }

    /** The correction of piece {@code i}, handed out by {@link #next}, placed in the text. */
    SentenceCorrection sentence(int i) {
        Piece p = pieces.get(i);
        if (!p.fits()) return SentenceCorrection.unchanged(i, p.start(), p.text(), p.reason());
        if (!(results[i] instanceof Correction c))
            throw new IllegalStateException("the model answered piece " + i + " with " + results[i] + ", not a correction");
        // A clause cut from a long sentence reaches the model as if it were a sentence of its own, and the
        // model, taught on whole sentences, may give its first word a capital ("..., and we" -> "And we").
        return SentenceCorrection.of(i, p.start(), SentenceSplitter.continuesSentence(text, p) ? c.without(TextRows::sentenceCapital) : c);
    }

    /** An edit that only capitalises the first word, as at the start of a sentence ("and" -> "And"; "i" -> "I" is always right). */
    static boolean sentenceCapital(Edit e) {
        String w = e.original(), r = e.replacement();
        return e.start() == 0 && e.end() == 1 && e.type() == ErrorType.CAPITALIZATION && !w.isEmpty() && !EditClassifier.isPronounI(r)
                && r.equals(Character.toUpperCase(w.charAt(0)) + w.substring(1));
    }

    /**
     * The answer once every piece is handed out: a sentence's is the model's result as it is (or, for a
     * sentence cut into pieces, theirs put together as one sentence's), a text's its pieces' corrections put
     * together ({@link TextCorrection}); frequent errors not filled in yet.
     */
    Object answer() {
        if (!allHandedOut()) throw new IllegalStateException("pieces still running");
        if (body instanceof CorrectionRequest && pieces.size() == 1) return results[0];
        List<SentenceCorrection> sentences = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) sentences.add(sentence(i));
        TextCorrection whole = TextCorrection.of(text, sentences, body.learnerId());
        return body instanceof CorrectionRequest ? whole.asOneSentence() : whole;
    }
}
