package miniserve.model;

import java.util.Arrays;
import java.util.List;

/**
 * A batch of {@link TrainingSequence}s, right-padded to the longest one, in buffers sized
 * once for the largest batch and reused every step.
 *
 * <pre>
 * inputs  [B, T]  token ids; padding positions hold token 0 and are never attended to
 * targets [B, T]  the id to predict at each position, or -1 where no loss is taken
 *                 (the source part, and padding)
 * lengths [B]     real positions of each row (the rest is padding on the right)
 * </pre>
 * T is the longest row of this batch, not the maximum, so short batches cost less.
 */
public final class TrainingBatch {
    public static final int NO_TARGET = -1;

    private final int maxB, maxT;
    final int[] inputs, targets, lengths;
    private int b, t;

    public TrainingBatch(int maxB, int maxT) {
        if (maxB < 1 || maxT < 1) throw new IllegalArgumentException("batch shape must be positive: " + maxB + "x" + maxT);
        this.maxB = maxB;
        this.maxT = maxT;
        inputs = new int[maxB * maxT];
        targets = new int[maxB * maxT];
        lengths = new int[maxB];
    }

    /** Replaces the contents with these sequences (1..maxB of them, each at most maxT inputs). */
    public void fill(List<TrainingSequence> sequences) {
        if (sequences.isEmpty() || sequences.size() > maxB)
            throw new IllegalArgumentException("batch of " + sequences.size() + " sequences, limit " + maxB);
        int longest = 0;
        for (TrainingSequence s : sequences) {
            if (s.inputLength() > maxT)
                throw new IllegalArgumentException("sequence of " + s.inputLength() + " inputs exceeds the limit " + maxT);
            longest = Math.max(longest, s.inputLength());
        }
        b = sequences.size();
        t = longest;
        Arrays.fill(inputs, 0, b * t, 0);
        Arrays.fill(targets, 0, b * t, NO_TARGET);
        for (int row = 0; row < b; row++) {
            TrainingSequence s = sequences.get(row);
            int n = s.inputLength();
            lengths[row] = n;
            for (int pos = 0; pos < n; pos++) {
                inputs[row * t + pos] = s.tokens()[pos];
                if (pos + 1 >= s.firstLossTarget()) targets[row * t + pos] = s.tokens()[pos + 1];
            }
        }
    }

    public int batchSize() { return b; }
    public int seqLen() { return t; }
    public int maxB() { return maxB; }
    public int maxT() { return maxT; }

    /** Positions that are not padding. */
    public int realTokens() {
        int n = 0;
        for (int row = 0; row < b; row++) n += lengths[row];
        return n;
    }

    /** Positions the loss is taken on. */
    public int lossTokens() {
        int n = 0;
        for (int i = 0; i < b * t; i++) if (targets[i] != NO_TARGET) n++;
        return n;
    }
}
