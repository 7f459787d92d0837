package miniserve.server;

/**
 * What the server sends for a request the model answered, and what to undo if the answer cannot
 * be sent (the client is gone): a request that got no answer must leave no trace.
 */
public record Reply(Object body, Runnable notSent) {

    /** The result as it is, nothing to undo. */
    public static Reply of(Object body) {
        return new Reply(body, () -> {});
    }
}
