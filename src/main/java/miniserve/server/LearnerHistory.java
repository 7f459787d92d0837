package miniserve.server;

import miniserve.agent.Correction;
import miniserve.agent.Correction.ErrorCount;
import miniserve.agent.TextCorrection;
import miniserve.language.Edit;
import miniserve.language.ErrorType;
import miniserve.history.HistoryDatabase;
import miniserve.history.HistoryWriter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The learners' history as the server keeps it: a correction's errors are recorded on the
 * request's thread just before its answer is sent (never on a model thread), in the same
 * transaction that reads the learner's most frequent errors for the answer, and retracted if the
 * answer cannot be sent. So a learner's errors count once per answered request, and a request
 * that got no answer (refused, failed, or its client gone) counts nothing.
 */
public final class LearnerHistory implements AutoCloseable {

    /** Longest wait for a correction's errors to be written; after it the answer goes without the learner's history. */
    static final Duration WRITE_WAIT = Duration.ofSeconds(5);

    private final HistoryWriter writer;

    public LearnerHistory(HistoryWriter writer) {
        this.writer = writer;
    }

    /**
     * The reply for an answer to a learner (null: none): a sentence's {@link Correction} or a text's
     * {@link TextCorrection} gets the learner's frequent errors, its edits recorded as one answer (a text's
     * edits once, all of its sentences together). Anything else is sent as it is.
     */
    public Reply reply(String learnerId, Object result) {
        if (learnerId == null) return Reply.of(result);
        return switch (result) {
            case Correction c -> record(learnerId, c.edits().stream().map(Edit::type).toList(), c::withFrequentErrors);
            case TextCorrection t -> record(learnerId, t.errorTypes(), t::withFrequentErrors);
            default -> Reply.of(result);
        };
    }

    private Reply record(String learner, List<ErrorType> errorTypes, Function<List<ErrorCount>, Object> withFrequent) {
        String answerId = UUID.randomUUID().toString();
        List<String> types = errorTypes.stream().map(ErrorType::name).toList();
        List<ErrorCount> frequent = List.of();
        try {
            frequent = errorCounts(writer.record(learner, answerId, types).get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            // Answered without the learner's history: the correction matters more (the writer logs its failures).
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Reply(withFrequent.apply(frequent), () -> writer.retract(learner, answerId));
    }

    private static List<ErrorCount> errorCounts(List<HistoryDatabase.ErrorCount> stored) {
        List<ErrorCount> out = new ArrayList<>(stored.size());
        for (HistoryDatabase.ErrorCount e : stored) {
            try {
                out.add(new ErrorCount(ErrorType.valueOf(e.type()), e.count()));
            } catch (IllegalArgumentException unknown) {
                // a type written by another version of miniserve sharing the database: left out
            }
        }
        return out;
    }

    /** Writes what is queued and closes the database. */
    @Override
    public void close() {
        writer.close();
    }
}
