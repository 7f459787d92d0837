package miniserve.model;

/**
 * What one forward pass computed for each row of a batch: the unit of a server's per-step metrics
 * and of the lab's timeline. A row is one slot of the batch (static batching: one request's row of
 * the current batch, or nothing; continuous batching: a slot of the running batch).
 *
 * @param startNanos when the pass started ({@link System#nanoTime})
 * @param endNanos   when it ended
 * @param kinds      per row, one of {@link #IDLE}, {@link #PREFILL}, {@link #DECODE}, {@link #AFTER_END}
 * @param tokens     per row, the token slots computed: a prompt's (padding included) for PREFILL, 1 for
 *                   DECODE and AFTER_END, 0 for IDLE
 * @param padding    per row, how many of those slots were left padding (static batching's prefill)
 */
public record Step(long startNanos, long endNanos, byte[] kinds, int[] tokens, int[] padding) {

    /** The row holds no request. */
    public static final byte IDLE = 0;
    /** The row's prompt (with any padding) went through the model; its first token came out. */
    public static final byte PREFILL = 1;
    /** The row computed a token its answer needs. */
    public static final byte DECODE = 2;
    /** The row computed a token after its answer had ended (or after its request was dropped): waste. */
    public static final byte AFTER_END = 3;

    public Step {
        if (kinds.length != tokens.length || kinds.length != padding.length)
            throw new IllegalArgumentException("kinds, tokens and padding must have one entry per row");
    }

    /** An empty record for {@code rows} rows, every one IDLE, to be filled in. */
    public static Step of(long startNanos, long endNanos, int rows) {
        return new Step(startNanos, endNanos, new byte[rows], new int[rows], new int[rows]);
    }

    public int rows() {
        return kinds.length;
    }

    /** Token slots the pass computed, padding and waste included. */
    public int tokensComputed() {
        int n = 0;
        for (int t : tokens) n += t;
        return n;
    }

    /** Rows that computed something useful (a prompt or a needed token). */
    public int usefulRows() {
        int n = 0;
        for (byte k : kinds) if (k == PREFILL || k == DECODE) n++;
        return n;
    }

    /** Whether the pass ran a prompt for some row. */
    public boolean hasPrefill() {
        for (byte k : kinds) if (k == PREFILL) return true;
        return false;
    }
}
