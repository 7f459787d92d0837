package miniserve.lab;

import miniserve.serving.MetricNames;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the server did during one measured run, from the difference of two {@code /metrics} scrapes
 * (before and after the run, so warm-up and earlier runs are left out). A figure the server does
 * not expose is NaN; the lab still runs against a server without these metrics.
 *
 * @param batches         number of batches run (count of the {@link MetricNames#BATCH_SIZE} histogram)
 * @param requestsBatched sum of batch sizes
 * @param sizeBuckets     batches per size bucket, keyed by the bucket's upper bound (not cumulative)
 * @param fillBuckets     forward passes per bucket of {@link MetricNames#ITERATION_FILL} (the share of the batch's
 *                        rows that computed something needed), keyed by the bucket's upper bound (not cumulative)
 * @param firstTokenSeconds sum of the requests' times to first token; {@code firstTokenCount} how many
 */
public record BatchStats(double batches, double requestsBatched, Map<Double, Double> sizeBuckets,
                         double tokensComputed, double tokensUseful, double tokensPadding, double tokensAfterEnd,
                         double queueWaitSeconds, double queueWaitCount, double modelSeconds, double modelBatches,
                         Map<Double, Double> fillBuckets, double firstTokenSeconds, double firstTokenCount) {

    public static final BatchStats UNKNOWN = new BatchStats(Double.NaN, Double.NaN, Map.of(),
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Map.of(), Double.NaN, Double.NaN);

    public static BatchStats between(MetricsSnapshot before, MetricsSnapshot after) {
        return new BatchStats(
                delta(before, after, MetricNames.BATCH_SIZE + "_count"),
                delta(before, after, MetricNames.BATCH_SIZE + "_sum"),
                perBucket(before, after, MetricNames.BATCH_SIZE),
                delta(before, after, MetricNames.TOKENS_COMPUTED),
                delta(before, after, MetricNames.TOKENS_USEFUL),
                delta(before, after, MetricNames.TOKENS_PADDING),
                delta(before, after, MetricNames.TOKENS_AFTER_END),
                delta(before, after, MetricNames.REQUEST_QUEUE_TIME + "_sum"),
                delta(before, after, MetricNames.REQUEST_QUEUE_TIME + "_count"),
                delta(before, after, MetricNames.BATCH_MODEL_TIME + "_sum"),
                delta(before, after, MetricNames.BATCH_MODEL_TIME + "_count"),
                perBucket(before, after, MetricNames.ITERATION_FILL),
                delta(before, after, MetricNames.TIME_TO_FIRST_TOKEN + "_sum"),
                delta(before, after, MetricNames.TIME_TO_FIRST_TOKEN + "_count"));
    }

    /** A histogram's observations between the scrapes per bucket, keyed by the bucket's upper bound (not cumulative). */
    private static Map<Double, Double> perBucket(MetricsSnapshot before, MetricsSnapshot after, String histogram) {
        SortedMap<Double, Double> b = before.cumulativeBuckets(histogram);
        SortedMap<Double, Double> a = after.cumulativeBuckets(histogram);
        Map<Double, Double> out = new LinkedHashMap<>();
        double previous = 0;
        for (Map.Entry<Double, Double> e : a.entrySet()) {
            double cumulative = e.getValue() - b.getOrDefault(e.getKey(), 0.0);
            out.put(e.getKey(), cumulative - previous);
            previous = cumulative;
        }
        return Collections.unmodifiableMap(out);
    }

    /** Mean time to first token in ms, or NaN. */
    public double meanFirstTokenMillis() {
        return firstTokenCount > 0 ? firstTokenSeconds / firstTokenCount * 1e3 : Double.NaN;
    }

    /**
     * Mean share of the batch's rows that computed something needed in a forward pass, from the fill
     * histogram (each bucket counted at its midpoint), or NaN.
     */
    public double meanIterationFill() {
        double n = 0, sum = 0, lower = 0;
        for (Map.Entry<Double, Double> e : fillBuckets.entrySet()) {
            double upper = Math.min(e.getKey(), 1.0);
            n += e.getValue();
            sum += e.getValue() * (lower + upper) / 2;
            lower = upper;
        }
        return n > 0 ? sum / n : Double.NaN;
    }

    private static double delta(MetricsSnapshot before, MetricsSnapshot after, String name) {
        double a = after.sum(name);
        if (Double.isNaN(a)) return Double.NaN;
        double b = before.sum(name);
        return Double.isNaN(b) ? a : a - b;
    }

    /** Mean requests per batch, or NaN. */
    public double meanBatchSize() {
        return batches > 0 ? requestsBatched / batches : Double.NaN;
    }

    /** Mean batch size as a fraction of {@code maxBatch}. */
    public double meanFill(int maxBatch) {
        return meanBatchSize() / maxBatch;
    }

    /** Mean time a request waited in the queue before its batch started, in ms, or NaN. */
    public double meanQueueWaitMillis() {
        return queueWaitCount > 0 ? queueWaitSeconds / queueWaitCount * 1e3 : Double.NaN;
    }

    /** Mean time the model took per batch, in ms, or NaN. */
    public double meanBatchModelMillis() {
        return modelBatches > 0 ? modelSeconds / modelBatches * 1e3 : Double.NaN;
    }

    /** Model time per computed token slot, in ms, or NaN: the same work costs the same unless the machine changed. */
    public double modelMillisPerTokenSlot() {
        return modelBatches > 0 && tokensComputed > 0 ? modelSeconds * 1e3 / tokensComputed : Double.NaN;
    }

    /** Useful tokens over computed tokens, or NaN. */
    public double usefulFraction() {
        return tokensComputed > 0 ? tokensUseful / tokensComputed : Double.NaN;
    }
}
