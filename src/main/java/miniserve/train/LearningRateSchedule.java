package miniserve.train;

/**
 * Linear warm-up from 0 to {@code maxLr} over {@code warmupSteps}, then a cosine decay to
 * {@code minLr} at {@code totalSteps} (and {@code minLr} after it), as in GPT-2/3 training recipes.
 */
public record LearningRateSchedule(float maxLr, float minLr, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (!(maxLr > 0) || minLr < 0 || minLr > maxLr)
            throw new IllegalArgumentException("need 0 <= min lr <= max lr and max lr > 0, got " + minLr + ", " + maxLr);
        if (warmupSteps < 0 || totalSteps < 1)
            throw new IllegalArgumentException("need warm-up >= 0 and steps >= 1, got " + warmupSteps + ", " + totalSteps);
    }

    /** Learning rate of step {@code step} (0-based). */
    public float at(int step) {
        if (step < warmupSteps) return maxLr * (step + 1) / warmupSteps;
        if (step >= totalSteps || totalSteps <= warmupSteps) return minLr;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return (float) (minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress)));
    }
}
