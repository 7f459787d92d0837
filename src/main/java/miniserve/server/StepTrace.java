package miniserve.server;

import miniserve.model.Step;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@link #CAPACITY} forward passes of every model thread, for {@code GET /trace}: what each
 * row of each pass computed (a prompt, a needed token, waste after its end, nothing), and when. The
 * lab draws its timeline from it. Bounded: older passes are overwritten.
 */
public final class StepTrace {

    /** Passes kept: a few seconds of the busiest server (a pass of a small batch takes about a millisecond). */
    public static final int CAPACITY = 8192;

    /** One pass of model thread {@code worker}. */
    public record Entry(int worker, Step step) {}

    private final Entry[] ring = new Entry[CAPACITY];
    private long next; // passes recorded so far; guarded by this

    synchronized void add(int worker, Step step) {
        ring[(int) (next++ % CAPACITY)] = new Entry(worker, step);
    }

    /** The passes kept, oldest first. */
    public synchronized List<Entry> snapshot() {
        List<Entry> out = new ArrayList<>(CAPACITY);
        long from = Math.max(0, next - CAPACITY);
        for (long i = from; i < next; i++) out.add(ring[(int) (i % CAPACITY)]);
        return out;
    }
}
