package miniserve.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import miniserve.model.Step;
import miniserve.serving.MetricNames;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, in a registry of their own (so several servers in one JVM, as in
 * the tests, do not share counts), under the names of {@link MetricNames}, which the lab reads, and
 * its trace of recent forward passes ({@link StepTrace}).
 */
public final class ServerMetrics {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] SECONDS_BUCKETS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final StepTrace trace = new StepTrace();
    private final AtomicInteger running = new AtomicInteger();
    private volatile IntSupplier waiting = () -> 0;

    private final Counter requests = Counter.builder().name(MetricNames.REQUESTS)
            .help("POST /correct and /correct/stream requests answered, by HTTP status (a stream: of its done or error event)").labelNames(MetricNames.STATUS).register(registry);
    private final Counter cancelled = Counter.builder().name(MetricNames.REQUESTS_CANCELLED)
            .help("Requests (a text: each of its sentences) whose client closed the connection before the answer; "
                    + "dropped from the queue or their row")
            .register(registry);
    private final Counter timedOut = Counter.builder().name(MetricNames.REQUESTS_TIMED_OUT)
            .help("Requests not answered within the request timeout (answered 503 request_timeout)").register(registry);
    private final Histogram queueTime = Histogram.builder().name(MetricNames.REQUEST_QUEUE_TIME)
            .help("Time from arrival to the start of the request's computation (its batch, or its row's prefill)").classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram firstToken = Histogram.builder().name(MetricNames.TIME_TO_FIRST_TOKEN)
            .help("Time from arrival to the request's first generated token").classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram interToken = Histogram.builder().name(MetricNames.INTER_TOKEN_LATENCY)
            .help("Time between two consecutive generated tokens of a request").classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram e2e = Histogram.builder().name(MetricNames.E2E_LATENCY)
            .help("Time from arrival to the answer, for requests answered by the model").classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram batchSize = Histogram.builder().name(MetricNames.BATCH_SIZE)
            .help("Static batching: requests per batch; continuous batching: rows computed per pass").classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64).register(registry);
    private final Histogram batchModelTime = Histogram.builder().name(MetricNames.BATCH_MODEL_TIME)
            .help("Static batching: one batch in the model (generation, decoding, validation, edits); continuous: one pass")
            .classicOnly().classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram iterationTokens = Histogram.builder().name(MetricNames.ITERATION_TOKENS)
            .help("Token slots computed per forward pass (prompts with padding, and one per decoded row)").classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096).register(registry);
    private final Histogram iterationFill = Histogram.builder().name(MetricNames.ITERATION_FILL)
            .help("Per forward pass, the rows that computed something needed (a prompt, or a token before the row's end) "
                    + "over the rows of the batch").classicOnly()
            .classicUpperBounds(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0).register(registry);
    private final Counter tokensComputed = Counter.builder().name(MetricNames.TOKENS_COMPUTED)
            .help("Token positions the model computed (prompt, padding and generated)").register(registry);
    private final Counter tokensPadding = Counter.builder().name(MetricNames.TOKENS_PADDING)
            .help("Token positions computed for left-padding of shorter prompts").register(registry);
    private final Counter tokensAfterEnd = Counter.builder().name(MetricNames.TOKENS_AFTER_END)
            .help("Tokens generated for rows that had already produced their end token").register(registry);
    private final Counter tokensUseful = Counter.builder().name(MetricNames.TOKENS_USEFUL)
            .help("Tokens computed that a response needed (prompt and output up to its end token)").register(registry);

    public ServerMetrics() {
        GaugeWithCallback.builder().name(MetricNames.REQUESTS_WAITING)
                .help("Requests waiting for the model").callback(cb -> cb.call(waiting.getAsInt())).register(registry);
        GaugeWithCallback.builder().name(MetricNames.REQUESTS_RUNNING)
                .help("Requests being computed (in a running batch, or a row of the running batch)")
                .callback(cb -> cb.call(running.get())).register(registry);
    }

    /** Where the waiting-requests gauge reads from (the request queue, once it exists). */
    public void waitingFrom(IntSupplier source) {
        this.waiting = source;
    }

    public StepTrace trace() {
        return trace;
    }

    public void requestAnswered(int status) {
        requests.labelValues(Integer.toString(status)).inc();
    }

    public void requestCancelled() {
        cancelled.inc();
    }

    void requestTimedOut() {
        timedOut.inc();
    }

    /** {@code n} requests started (positive) or stopped (negative) being computed. */
    void running(int n) {
        running.addAndGet(n);
    }

    /** A request's computation started after it waited {@code nanos}. */
    void queueTime(long nanos) {
        queueTime.observe(nanos / NANOS_PER_SECOND);
    }

    void firstToken(long sinceArrivalNanos) {
        firstToken.observe(sinceArrivalNanos / NANOS_PER_SECOND);
    }

    void interToken(long nanos) {
        interToken.observe(nanos / NANOS_PER_SECOND);
    }

    void requestFinished(long sinceArrivalNanos) {
        e2e.observe(sinceArrivalNanos / NANOS_PER_SECOND);
    }

    /** A static batch of {@code size} requests, or a continuous pass over {@code size} rows, took {@code modelNanos}. */
    void batch(int size, long modelNanos) {
        batchSize.observe(size);
        batchModelTime.observe(modelNanos / NANOS_PER_SECOND);
    }

    /** One forward pass of model thread {@code worker}: its work, its fill, and its place in the trace. */
    public void step(int worker, Step step) {
        long computed = 0, padding = 0, afterEnd = 0;
        for (int row = 0; row < step.rows(); row++) {
            computed += step.tokens()[row];
            padding += step.padding()[row];
            if (step.kinds()[row] == Step.AFTER_END) afterEnd += step.tokens()[row];
        }
        tokensComputed.inc(computed);
        tokensPadding.inc(padding);
        tokensAfterEnd.inc(afterEnd);
        tokensUseful.inc(computed - padding - afterEnd);
        iterationTokens.observe(computed);
        iterationFill.observe((double) step.usefulRows() / step.rows());
        trace.add(worker, step);
    }

    /** Every metric in the Prometheus text format (version 0.0.4). */
    public String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String contentType() {
        return writer.getContentType();
    }
}
