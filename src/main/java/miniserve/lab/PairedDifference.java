package miniserve.lab;

import java.util.Arrays;

/**
 * The mean of paired relative differences (one per pair of runs made back to back) with its 95%
 * confidence interval from Student's t: how far apart two servers are, judged against their own
 * run-to-run noise rather than against one draw.
 *
 * @param n    pairs
 * @param mean mean difference (0.05 = the second server 5% above the first)
 * @param low  the interval's lower end; {@code high} its upper end
 */
public record PairedDifference(int n, double mean, double low, double high) {

    /** Two-sided 97.5% quantiles of Student's t for 1 .. 30 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    /** The t quantile for a 95% interval with {@code df} degrees of freedom (the normal's 1.96 from 31 on, near enough). */
    static double t975(int df) {
        if (df < 1) throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        return df <= T975.length ? T975[df - 1] : 1.96;
    }

    /** The mean and interval of the differences; at least two are needed for an interval. */
    public static PairedDifference of(double[] differences) {
        int n = differences.length;
        if (n < 2) throw new IllegalArgumentException("a confidence interval needs at least 2 pairs, got " + n);
        double mean = Arrays.stream(differences).average().orElseThrow();
        double ss = 0;
        for (double d : differences) ss += (d - mean) * (d - mean);
        double half = t975(n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        return new PairedDifference(n, mean, mean - half, mean + half);
    }

    /**
     * Against a tolerance: {@link Acceptance.Verdict#PASS} when the whole interval lies within
     * ±tolerance, {@link Acceptance.Verdict#FAIL} when it lies wholly outside, and
     * {@link Acceptance.Verdict#INCONCLUSIVE} when it straddles a bound (the runs cannot tell).
     */
    public Acceptance.Verdict within(double tolerance) {
        if (low >= -tolerance && high <= tolerance) return Acceptance.Verdict.PASS;
        if (low > tolerance || high < -tolerance) return Acceptance.Verdict.FAIL;
        return Acceptance.Verdict.INCONCLUSIVE;
    }
}
