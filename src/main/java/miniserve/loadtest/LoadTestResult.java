package miniserve.loadtest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measured part of one load test (warm-up excluded) and every figure derived from it.
 *
 * <p>Latency figures come from an HdrHistogram of nanoseconds. It holds every request that got an
 * answer, whatever its status, and every request that timed out (at the time it was abandoned, a lower
 * bound of its real latency), so a server that stalls shows in the tail instead of vanishing from it.
 * Transport errors (no answer at all) are counted apart. Throughput counts only 200 answers, so a
 * server that fails fast cannot look fast.
 */
public final class LoadTestResult {

    /** Values up to an hour keep three significant digits. */
    public static final long HIGHEST_TRACKABLE_NANOS = 3_600_000_000_000L;
    public static final int SIGNIFICANT_DIGITS = 3;

    private static final ObjectWriter SUMMARY_JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writerWithDefaultPrettyPrinter();

    private final LoadTestSpec spec;
    private final String workload;
    private final int planned;
    private final List<RequestRecord> records;   // sent requests, in index order
    private final long startNanos;
    private final long startEpochMillis;
    private final long wallNanos;
    private final WarmupSummary warmup;

    private final Histogram latency = newHistogram();
    private final Histogram service = newHistogram();
    private final Histogram okLatency = newHistogram();
    private final Map<Integer, Long> statusCounts = new TreeMap<>();
    private long responses, ok, timeouts, errors;
    private String firstProblem;

    /** How the warm-up went (its requests are not in any figure, but failures there are worth knowing). */
    public record WarmupSummary(int requests, int ok, double seconds) {
        public static final WarmupSummary NONE = new WarmupSummary(0, 0, 0);
    }

    /**
     * @param planned     how many requests the run meant to send
     * @param records     the requests actually sent (null entries are ignored)
     * @param startNanos  {@link System#nanoTime()} at the start of the measured phase
     * @param endNanos    {@link System#nanoTime()} when the last request finished
     */
    public LoadTestResult(LoadTestSpec spec, String workload, int planned, List<RequestRecord> records,
                          long startNanos, long startEpochMillis, long endNanos, WarmupSummary warmup) {
        this.spec = spec;
        this.workload = workload;
        this.planned = planned;
        List<RequestRecord> sent = new ArrayList<>();
        for (RequestRecord r : records) if (r != null) sent.add(r);
        this.records = Collections.unmodifiableList(sent);
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
        this.wallNanos = Math.max(0, endNanos - startNanos);
        this.warmup = warmup;
        for (RequestRecord r : this.records) {
            switch (r.outcome()) {
                case RESPONSE -> {
                    responses++;
                    statusCounts.merge(r.status(), 1L, Long::sum);
                    if (r.status() == 200) ok++;
                    else if (firstProblem == null) firstProblem = "HTTP " + r.status() + ": " + r.detail();
                }
                case TIMEOUT -> {
                    timeouts++;
                    if (firstProblem == null) firstProblem = "timeout: " + r.detail();
                }
                case ERROR -> {
                    errors++;
                    if (firstProblem == null) firstProblem = "error: " + r.detail();
                }
            }
            if (r.outcome() != RequestRecord.Outcome.ERROR) {
                latency.recordValue(clamp(r.latencyNanos()));
                service.recordValue(clamp(r.serviceNanos()));
                if (r.outcome() == RequestRecord.Outcome.RESPONSE && r.status() == 200) okLatency.recordValue(clamp(r.latencyNanos()));
            }
        }
    }

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }

    private static long clamp(long nanos) {
        return Math.min(Math.max(nanos, 0), HIGHEST_TRACKABLE_NANOS);
    }

    public LoadTestSpec spec() { return spec; }
    public String workload() { return workload; }
    public List<RequestRecord> records() { return records; }
    public WarmupSummary warmup() { return warmup; }
    public long startNanos() { return startNanos; }
    public long startEpochMillis() { return startEpochMillis; }

    /** Requests the run meant to send. */
    public int planned() { return planned; }
    /** Requests sent (planned minus those the run-time limit stopped). */
    public int sent() { return records.size(); }
    public int notSent() { return planned - records.size(); }
    /** Answers of any status. */
    public long responses() { return responses; }
    /** Answers with status 200. */
    public long ok() { return ok; }
    /** Answers with a status other than 200. */
    public long non200() { return responses - ok; }
    public long timeouts() { return timeouts; }
    public long errors() { return errors; }
    /** Count per HTTP status of the answers. */
    public Map<Integer, Long> statusCounts() { return Collections.unmodifiableMap(statusCounts); }
    /** The first non-200 answer, timeout or error, or null if there was none. */
    public String firstProblem() { return firstProblem; }
    /** True when every planned request was sent and answered 200. */
    public boolean allOk() { return ok == planned; }

    /** From the start of the measured phase to the end of its last request. */
    public double wallSeconds() { return wallNanos / 1e9; }

    /** 200 answers per second of wall time. */
    public double throughput() {
        return wallNanos == 0 ? 0 : ok / (wallNanos / 1e9);
    }

    /** Answers of any status per second of wall time. */
    public double responseRate() {
        return wallNanos == 0 ? 0 : responses / (wallNanos / 1e9);
    }

    /** Latency from each request's intended start (a copy). */
    public Histogram latencyHistogram() { return latency.copy(); }

    /** Latency of the requests answered 200 only (a copy): what goodput under a latency objective counts. */
    public Histogram okLatencyHistogram() { return okLatency.copy(); }

    /** Time from actually sending to the answer (a copy). Equal to latency in a closed loop. */
    public Histogram serviceHistogram() { return service.copy(); }

    /** Latency at a percentile (0..100) in milliseconds, or NaN with no latency recorded. */
    public double latencyMillis(double percentile) {
        return percentileMillis(latency, percentile);
    }

    public static double percentileMillis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * Every figure of the run, as {@code summary.json} has it (snake_case names: {@code wallTimeS} is
     * {@code wall_time_s}). The loop's settings that do not apply to this run's loop are left out; a latency
     * figure with no latency recorded is null, as JSON has no NaN.
     *
     * @param statusCounts  answers per HTTP status
     * @param firstProblem  the first non-200 answer, timeout or error, or null
     * @param serviceTimeMs open loop only: from actually sending to the answer
     */
    public record Summary(String target, String loop, @JsonInclude(Include.NON_NULL) Integer concurrency, @JsonInclude(Include.NON_NULL) Integer total,
                          @JsonInclude(Include.NON_NULL) Double ratePerS, @JsonInclude(Include.NON_NULL) Double durationS,
                          @JsonInclude(Include.NON_NULL) Integer maxInFlight, int warmupRequests, int warmupOk, long requestTimeoutMs,
                          String workload, long seed, int planned, int sent, int notSent, long responses, long ok,
                          Map<Integer, Long> statusCounts, long timeouts, long errors, String firstProblem, double wallTimeS,
                          double throughputRps, double responseRateRps, Latency latencyMs,
                          @JsonInclude(Include.NON_NULL) Latency serviceTimeMs) {}

    /** Latency figures of a histogram in milliseconds; null when it holds nothing. */
    public record Latency(long count, Double p50, Double p90, Double p95, Double p99, Double p999, Double max, Double mean,
                          Double min) {

        public static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) return new Latency(0, null, null, null, null, null, null, null, null);
            return new Latency(h.getTotalCount(), percentileMillis(h, 50), percentileMillis(h, 90), percentileMillis(h, 95),
                    percentileMillis(h, 99), percentileMillis(h, 99.9), h.getMaxValue() / 1e6, h.getMean() / 1e6,
                    h.getMinValue() / 1e6);
        }
    }

    public Summary summary() {
        boolean closed = spec.loop() == LoadTestSpec.Loop.CLOSED;
        return new Summary(spec.target().toString(), spec.loop().name().toLowerCase(Locale.ROOT),
                closed ? spec.concurrency() : null, closed ? spec.total() : null,
                closed ? null : spec.ratePerSecond(), closed ? null : spec.duration().toNanos() / 1e9,
                closed ? null : spec.maxInFlight(),
                warmup.requests(), warmup.ok(), spec.requestTimeout().toMillis(), workload, spec.seed(), planned, sent(),
                notSent(), responses, ok, statusCounts(), timeouts, errors, firstProblem, wallSeconds(), throughput(),
                responseRate(), Latency.of(latency), closed ? null : Latency.of(service));
    }

    /** Writes {@link #summary()} as pretty-printed JSON. */
    public void writeSummary(Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            SUMMARY_JSON.writeValue(file.toFile(), summary());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Writes every sent request, one CSV row each: {@code index,learner_id,outcome,status,edit_types,latency_ms,detail}
     * ({@code edit_types} space-separated, for 200 answers), so that what each client got can be
     * checked against the server's side afterwards.
     */
    public void writeRequests(Path file) {
        StringBuilder b = new StringBuilder("index,learner_id,outcome,status,edit_types,latency_ms,detail\n");
        for (RequestRecord r : records)
            b.append(r.index()).append(',').append(csv(r.learnerId())).append(',').append(r.outcome().name().toLowerCase())
                    .append(',').append(r.status()).append(',').append(String.join(" ", r.editTypes())).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", r.latencyNanos() / 1e6)).append(',')
                    .append(csv(r.detail())).append('\n');
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String csv(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** A few lines for a person. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("requests  %d planned, %d sent, %d answered 200, %d other status, %d timeouts, %d errors%n",
                planned, sent(), ok, non200(), timeouts, errors));
        if (!statusCounts.isEmpty()) b.append("statuses  ").append(statusCounts).append(System.lineSeparator());
        b.append(String.format("time      %.2f s wall, throughput %.2f req/s (200 only)%n", wallSeconds(), throughput()));
        b.append(String.format("latency   p50 %s  p95 %s  p99 %s  max %s%n", ms(latencyMillis(50)), ms(latencyMillis(95)),
                ms(latencyMillis(99)), ms(latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1e6)));
        if (firstProblem != null) b.append("first problem  ").append(firstProblem).append(System.lineSeparator());
        return b.toString();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f ms", v);
    }
}
