package miniserve.lab;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import miniserve.serving.MetricNames;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BatchStatsTest {

    /** The metrics as the server's Prometheus client writes them. */
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram batchSize = Histogram.builder().name(MetricNames.BATCH_SIZE).help("requests per batch")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64).classicOnly().register(registry);
    private final Counter computed = Counter.builder().name(MetricNames.TOKENS_COMPUTED).help("c").register(registry);
    private final Counter useful = Counter.builder().name(MetricNames.TOKENS_USEFUL).help("u").register(registry);
    private final Counter padding = Counter.builder().name(MetricNames.TOKENS_PADDING).help("p").register(registry);
    private final Counter afterEnd = Counter.builder().name(MetricNames.TOKENS_AFTER_END).help("a").register(registry);
    private final Histogram queueWait = Histogram.builder().name(MetricNames.REQUEST_QUEUE_TIME).help("q")
            .classicUpperBounds(0.01, 0.1, 1).classicOnly().register(registry);
    private final Histogram modelTime = Histogram.builder().name(MetricNames.BATCH_MODEL_TIME).help("m")
            .classicUpperBounds(0.01, 0.1, 1).classicOnly().register(registry);
    private final Counter requests = Counter.builder().name(MetricNames.REQUESTS).help("r").labelNames(MetricNames.STATUS).register(registry);

    private MetricsSnapshot scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return MetricsSnapshot.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDifferenceOfTwoScrapesGivesTheRunsBatchesAndTokens() throws Exception {
        // before the run: warm-up batches that must not count
        batchSize.observe(1);
        batchSize.observe(8);
        computed.inc(100);
        MetricsSnapshot before = scrape();

        int[] sizes = {8, 8, 7, 3, 1, 16, 5};
        for (int s : sizes) batchSize.observe(s);
        computed.inc(480);
        useful.inc(300);
        padding.inc(60);
        afterEnd.inc(120);
        requests.labelValues("200").inc(48);
        queueWait.observe(0.010);
        queueWait.observe(0.020);
        modelTime.observe(0.4);
        MetricsSnapshot after = scrape();

        BatchStats b = BatchStats.between(before, after);
        assertThat(b.batches()).isEqualTo(7);
        assertThat(b.requestsBatched()).isEqualTo(48);
        assertThat(b.meanBatchSize()).isCloseTo(48 / 7.0, within(1e-12));
        assertThat(b.meanFill(8)).isCloseTo(48 / 7.0 / 8, within(1e-12));
        // per bucket, not cumulative: (0,1]=1, (2,4]=1, (4,8]=4, (8,16]=1
        assertThat(b.sizeBuckets()).containsEntry(1.0, 1.0).containsEntry(2.0, 0.0).containsEntry(4.0, 1.0)
                .containsEntry(8.0, 4.0).containsEntry(16.0, 1.0).containsEntry(32.0, 0.0);
        assertThat(b.sizeBuckets().values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(7);
        assertThat(b.tokensComputed()).isEqualTo(480);
        assertThat(b.tokensUseful()).isEqualTo(300);
        assertThat(b.tokensPadding()).isEqualTo(60);
        assertThat(b.tokensAfterEnd()).isEqualTo(120);
        assertThat(b.usefulFraction()).isCloseTo(0.625, within(1e-12));
        assertThat(b.meanQueueWaitMillis()).isCloseTo(15.0, within(1e-9));   // (10 + 20) / 2 ms
        assertThat(b.meanBatchModelMillis()).isCloseTo(400.0, within(1e-9)); // one batch of 0.4 s
        assertThat(after.value(MetricNames.REQUESTS, MetricNames.STATUS, "200")).isEqualTo(48);
    }

    @Test
    void aServerWithoutTheseMetricsGivesNaNNotZero() {
        BatchStats b = BatchStats.between(MetricsSnapshot.EMPTY, MetricsSnapshot.parse("# nothing here\nother_metric 3\n"));
        assertThat(b.batches()).isNaN();
        assertThat(b.meanBatchSize()).isNaN();
        assertThat(b.tokensComputed()).isNaN();
        assertThat(b.sizeBuckets()).isEmpty();
    }

    @Test
    void labelsEscapesAndSpecialValuesParse() {
        MetricsSnapshot m = MetricsSnapshot.parse("""
                # HELP x a metric
                x_bucket{le="+Inf",path="a\\"b"} 5
                x_bucket{le="1.0"} 2 1700000000000
                y NaN
                """);
        assertThat(m.cumulativeBuckets("x")).isEqualTo(Map.of(1.0, 2.0, Double.POSITIVE_INFINITY, 5.0));
        assertThat(m.samples().get(0).labels()).containsEntry("path", "a\"b");
        assertThat(m.sum("y")).isNaN();
        assertThatThrownBy(() -> MetricsSnapshot.parse("x_bucket{le=1} 2")).hasMessageContaining("line 1");
    }
}
