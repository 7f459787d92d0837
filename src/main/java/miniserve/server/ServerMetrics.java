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
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, in a registry of their own (so several servers in one JVM,
 * as in the tests, do not share counts), under the names of {@link MetricNames}, which the lab reads.
 */
public final class ServerMetrics {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] SECONDS_BUCKETS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private volatile IntSupplier queueDepth = () -> 0;

    private final Counter requests = Counter.builder().name(MetricNames.REQUESTS)
            .help("POST /correct requests answered, by HTTP status").labelNames(MetricNames.STATUS).register(registry);
    private final Histogram batchSize = Histogram.builder().name(MetricNames.BATCH_SIZE)
            .help("Requests per batch run by the model").classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64).register(registry);
    private final Histogram queueWait = Histogram.builder().name(MetricNames.QUEUE_WAIT)
            .help("Time from enqueue to the start of the request's batch").classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Histogram batchModelTime = Histogram.builder().name(MetricNames.BATCH_MODEL_TIME)
            .help("Wall time of one batch in the model (generation, decoding, validation, edits)").classicOnly()
            .classicUpperBounds(SECONDS_BUCKETS).register(registry);
    private final Counter tokensComputed = Counter.builder().name(MetricNames.TOKENS_COMPUTED)
            .help("Token positions the model computed (prompt, padding and generated)").register(registry);
    private final Counter tokensPadding = Counter.builder().name(MetricNames.TOKENS_PADDING)
            .help("Token positions computed for left-padding of shorter prompts").register(registry);
    private final Counter tokensAfterEnd = Counter.builder().name(MetricNames.TOKENS_AFTER_END)
            .help("Tokens generated for rows that had already produced their end token").register(registry);
    private final Counter tokensUseful = Counter.builder().name(MetricNames.TOKENS_USEFUL)
            .help("Tokens computed that a response needed (prompt and output up to its end token)").register(registry);

    public ServerMetrics() {
        GaugeWithCallback.builder().name(MetricNames.QUEUE_DEPTH)
                .help("Requests waiting for a batch to start")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
    }

    /** Where the queue-depth gauge reads from (the scheduler, once it exists). */
    public void queueDepthFrom(IntSupplier source) {
        this.queueDepth = source;
    }

    public void requestAnswered(int status) {
        requests.labelValues(Integer.toString(status)).inc();
    }

    public void batchStarted(int size, long[] queueWaitNanos) {
        batchSize.observe(size);
        for (long w : queueWaitNanos) queueWait.observe(w / NANOS_PER_SECOND);
    }

    public void batchFinished(long modelNanos) {
        batchModelTime.observe(modelNanos / NANOS_PER_SECOND);
    }

    /** The model's work in one forward pass. */
    public void work(Step step) {
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
