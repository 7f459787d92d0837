package miniserve.lab;

import miniserve.loadtest.LoadTestResult;
import miniserve.loadtest.LoadTestSpec;
import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * One measured run of one configuration: the load generator's figures and the server's batch
 * statistics for the same interval.
 *
 * @param latency        latency histogram in nanoseconds (the source of every percentile)
 * @param okLatency      the same for the requests answered 200 only (the source of goodput)
 * @param peakQueueDepth highest queue depth the server reported while the run went on (NaN if unknown)
 * @param offeredRate    for an open-loop run, the arrival rate in requests per second; NaN for a closed loop
 */
public record RunResult(ServerConfig config, int repetition, int planned, long ok, long non200, long timeouts,
                        long errors, Map<Integer, Long> statusCounts, double wallSeconds, double throughput,
                        Histogram latency, BatchStats batch, double peakQueueDepth, double offeredRate, Histogram okLatency) {

    public static RunResult of(ServerConfig config, int repetition, LoadTestResult r, BatchStats batch, double peakQueueDepth) {
        return new RunResult(config, repetition, r.planned(), r.ok(), r.non200(), r.timeouts(),
                r.errors() + r.notSent(), Map.copyOf(r.statusCounts()), r.wallSeconds(), r.throughput(),
                r.latencyHistogram(), batch, peakQueueDepth,
                r.spec().loop() == LoadTestSpec.Loop.OPEN ? r.spec().ratePerSecond() : Double.NaN, r.okLatencyHistogram());
    }

    public boolean openLoop() {
        return !Double.isNaN(offeredRate);
    }

    /** Latency at a percentile in milliseconds. */
    public double latencyMillis(double percentile) {
        return LoadTestResult.percentileMillis(latency, percentile);
    }

    public double maxMillis() {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1e6;
    }

    public double meanMillis() {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getMean() / 1e6;
    }

    /**
     * Goodput: requests answered 200 within {@code sloMillis} of their arrival, per second of the run
     * (in an open loop, arrival is the scheduled time, so waiting for the server counts).
     */
    public double goodput(double sloMillis) {
        if (!(wallSeconds > 0)) return Double.NaN;
        long nanos = (long) (sloMillis * 1e6);
        long within = okLatency.getTotalCount() == 0 ? 0 : okLatency.getCountBetweenValues(0, Math.min(nanos, okLatency.getHighestTrackableValue()));
        return within / wallSeconds;
    }

    /** Requests that did not end in a 200: other statuses, timeouts, errors and requests never sent. */
    public long failed() {
        return non200 + timeouts + errors;
    }
}
