package miniserve.loadtest;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Start times of an open-loop run: a Poisson process, so gaps between arrivals are exponential. */
public final class ArrivalSchedule {

    private ArrivalSchedule() {}

    /**
     * Offsets in nanoseconds from the start of the run of every arrival in {@code [0, duration)},
     * for a Poisson process of {@code ratePerSecond}; deterministic for a seed.
     */
    public static long[] poisson(long seed, double ratePerSecond, Duration duration) {
        if (!(ratePerSecond > 0)) throw new IllegalArgumentException("rate must be positive");
        SplittableRandom rnd = new SplittableRandom(seed);
        long end = duration.toNanos();
        long[] out = new long[Math.max(16, (int) Math.min(LoadTestSpec.MAX_REQUESTS, ratePerSecond * end / 1e9 * 1.2 + 16))];
        int n = 0;
        double t = 0;
        while (true) {
            // inverse-CDF sampling of an exponential gap with mean 1/rate seconds
            t += -Math.log(1.0 - rnd.nextDouble()) / ratePerSecond * 1e9;
            if (t >= end) break;
            if (n == LoadTestSpec.MAX_REQUESTS)
                throw new IllegalArgumentException("more than " + LoadTestSpec.MAX_REQUESTS + " arrivals; lower the rate or the duration");
            if (n == out.length) out = Arrays.copyOf(out, Math.min(LoadTestSpec.MAX_REQUESTS, out.length * 2));
            out[n++] = (long) t;
        }
        return Arrays.copyOf(out, n);
    }
}
