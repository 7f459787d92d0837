package miniserve.loadtest;

import java.util.List;

/**
 * What happened to one request. Times are {@link System#nanoTime()} readings.
 *
 * @param intendedNanos when the request should have started (closed loop: when it did start)
 * @param sentNanos     when it was handed to the HTTP client
 * @param endNanos      when the response (or the failure) came back
 * @param status        the HTTP status, or 0 if there was no response
 * @param detail        for failures and non-200 answers: a short reason (the start of the body or the exception)
 * @param learnerId     the learner the request named, or null
 * @param editTypes     for a 200 answer, the {@code type} of each of its {@code edits}; else empty
 */
public record RequestRecord(int index, long intendedNanos, long sentNanos, long endNanos, int status,
                            Outcome outcome, String detail, String learnerId, List<String> editTypes) {

    public RequestRecord {
        editTypes = List.copyOf(editTypes);
    }

    /** A request with no learner and no edits recorded. */
    public RequestRecord(int index, long intendedNanos, long sentNanos, long endNanos, int status, Outcome outcome, String detail) {
        this(index, intendedNanos, sentNanos, endNanos, status, outcome, detail, null, List.of());
    }

    public enum Outcome {
        /** The server answered (any status). */
        RESPONSE,
        /** No answer within the per-request timeout: the request was abandoned. */
        TIMEOUT,
        /** No answer at all: connection refused or reset, or another transport failure. */
        ERROR
    }

    /** Latency as the user sees it: from the intended start to the end. */
    public long latencyNanos() {
        return endNanos - intendedNanos;
    }

    /** Time the request actually spent in the HTTP exchange. */
    public long serviceNanos() {
        return endNanos - sentNanos;
    }

    public boolean ok() {
        return outcome == Outcome.RESPONSE && status == 200;
    }
}
