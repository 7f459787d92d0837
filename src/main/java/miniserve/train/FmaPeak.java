package miniserve.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import miniserve.kernels.ComputePool;

/**
 * The cores' float peak as a Vector API loop reaches it: each thread runs {@link #CHAINS}
 * independent fused multiply-add chains on registers, enough to keep two FMA units busy through
 * their latency (4 cycles × 2 units = 8 in flight on current x86 cores). Nothing is read from
 * memory, so the figure is the ceiling any kernel of this JVM can approach on these threads; the
 * trainer's speed test divides its GFLOP/s by it.
 */
public final class FmaPeak {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    /** Loop iterations of one piece of work: 12 chains × 2^18 = 3.1 M vector FMAs, about 1 ms on one core. */
    private static final int ITERATIONS = 1 << 18;
    private static volatile float sink;

    private FmaPeak() {}

    /**
     * GFLOP/s (2 per lane of each FMA) of {@code pieces} pieces of work spread over the pool's
     * threads, best of {@code rounds} timed rounds after a warm-up that gets the loop compiled.
     */
    public static double gflops(ComputePool pool, int pieces, int rounds) {
        if (pieces < 1 || rounds < 1) throw new IllegalArgumentException("pieces and rounds must be >= 1");
        for (int i = 0; i < 200; i++) chains(1 << 10);
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            pool.parallelFor(pieces, 1, (from, to) -> {
                for (int p = from; p < to; p++) chains(ITERATIONS);
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, flops(pieces) / seconds / 1e9);
        }
        return best;
    }

    /** Floating-point operations of {@code pieces} pieces. */
    static double flops(int pieces) {
        return 2.0 * F.length() * CHAINS * (double) ITERATIONS * pieces;
    }

    /** CHAINS accumulators, each c = c·a + b per iteration; the sum is published so that nothing is dead code. */
    static float chains(int iterations) {
        FloatVector a = FloatVector.broadcast(F, 0.999f), b = FloatVector.broadcast(F, 0.001f);
        FloatVector c0 = FloatVector.broadcast(F, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        float s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
        sink = s;
        return s;
    }
}
