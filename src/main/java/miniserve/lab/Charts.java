package miniserve.lab;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** The lab's figures, drawn with XChart and written as PNG (headless). */
public final class Charts {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;

    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Throughput against max_batch, one line per max_wait_ms, the baseline as one marked point. */
    public static XYChart throughputVsBatch(List<ConfigSummary> configs, String subtitle) {
        return sweepChart(configs, ConfigSummary::throughput, "Throughput vs max_batch" + subtitle,
                "throughput (requests/s, median of runs)");
    }

    /** p95 latency against max_batch, same lines. */
    public static XYChart p95VsBatch(List<ConfigSummary> configs, String subtitle) {
        return sweepChart(configs, ConfigSummary::p95, "p95 latency vs max_batch" + subtitle,
                "p95 latency (ms, median of runs)");
    }

    /** p95 latency against max_batch in the open-loop runs at equal offered load. */
    public static XYChart p95EqualLoadVsBatch(List<ConfigSummary> configs, double rate, String subtitle) {
        return sweepChart(configs, c -> c.equalLoad(r -> r.latencyMillis(95)),
                String.format(Locale.ROOT, "p95 latency vs max_batch at an equal load of %.1f req/s (open loop)", rate) + subtitle,
                "p95 latency (ms, from scheduled arrival)");
    }

    private static XYChart sweepChart(List<ConfigSummary> configs, ToDoubleFunction<ConfigSummary> y,
                                      String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("max_batch (requests per batch, log2 scale)").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        // x is log2(max_batch); with a formatting function XChart puts the ticks at the data's x values,
        // labelled here with max_batch itself
        chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> Long.toString(Math.round(Math.pow(2, x))));
        // The lab's sweep pairs each max_batch with its own max_wait_ms, so the lines per max_wait_ms are
        // short; a faint line through every batched configuration shows the whole trend underneath.
        List<ConfigSummary> all = new ArrayList<>(configs.stream().filter(c -> !c.config().unbatched()
                && !Double.isNaN(y.applyAsDouble(c))).toList());
        all.sort((a, b) -> a.config().maxBatch() != b.config().maxBatch()
                ? Integer.compare(a.config().maxBatch(), b.config().maxBatch())
                : Integer.compare(a.config().maxWaitMs(), b.config().maxWaitMs()));
        if (all.size() > 1) {
            XYSeries trend = chart.addSeries("all batched configurations",
                    all.stream().map(c -> log2(c.config().maxBatch())).toList(),
                    all.stream().map(y::applyAsDouble).toList());
            trend.setMarker(SeriesMarkers.NONE);
            trend.setLineColor(new Color(190, 190, 190));
            trend.setLineStyle(SeriesLines.DASH_DASH);
        }
        Map<Integer, List<ConfigSummary>> byWait = new TreeMap<>();
        for (ConfigSummary c : configs)
            if (!c.config().unbatched()) byWait.computeIfAbsent(c.config().maxWaitMs(), k -> new ArrayList<>()).add(c);
        for (Map.Entry<Integer, List<ConfigSummary>> e : byWait.entrySet()) {
            List<ConfigSummary> line = new ArrayList<>(e.getValue());
            line.sort((a, b) -> Integer.compare(a.config().maxBatch(), b.config().maxBatch()));
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (ConfigSummary c : line) {
                double v = y.applyAsDouble(c);
                if (Double.isNaN(v)) continue;
                xs.add(log2(c.config().maxBatch()));
                ys.add(v);
            }
            if (xs.isEmpty()) continue;
            XYSeries s = chart.addSeries("max_wait_ms = " + e.getKey(), xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        addBaselinePoint(chart, configs, y);
        return chart;
    }

    /** The order and colour of lab 03's schedulers in every figure. */
    static final List<ServerConfig.Kind> SCHEDULERS = List.of(ServerConfig.Kind.STATIC, ServerConfig.Kind.STATIC_ALL_ENDED,
            ServerConfig.Kind.CONTINUOUS);
    private static final Map<ServerConfig.Kind, Color> SCHEDULER_COLOURS = Map.of(
            ServerConfig.Kind.STATIC, new Color(214, 39, 40), ServerConfig.Kind.STATIC_ALL_ENDED, new Color(255, 127, 14),
            ServerConfig.Kind.CONTINUOUS, new Color(31, 119, 180));

    /** A figure against max_batch with one line per scheduler and the unbatched baseline as one point (lab 03). */
    public static XYChart bySchedulerVsBatch(List<ConfigSummary> configs, ToDoubleFunction<ConfigSummary> y, String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("max_batch (requests per batch, or rows of the running batch; log2 scale)").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> Long.toString(Math.round(Math.pow(2, x))));
        for (ServerConfig.Kind kind : SCHEDULERS) {
            List<ConfigSummary> line = configs.stream().filter(c -> c.config().kind() == kind && !Double.isNaN(y.applyAsDouble(c)))
                    .sorted((a, b) -> Integer.compare(a.config().maxBatch(), b.config().maxBatch())).toList();
            if (line.isEmpty()) continue;
            XYSeries s = chart.addSeries(line.getFirst().config().scheduling(), line.stream().map(c -> log2(c.config().maxBatch())).toList(),
                    line.stream().map(y::applyAsDouble).toList());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(SCHEDULER_COLOURS.get(kind));
            s.setMarkerColor(SCHEDULER_COLOURS.get(kind));
        }
        addBaselinePoint(chart, configs, y);
        return chart;
    }

    /** The unbatched baseline, which runs one request at a time per worker, as one point at max_batch = 1. */
    private static void addBaselinePoint(XYChart chart, List<ConfigSummary> configs, ToDoubleFunction<ConfigSummary> y) {
        for (ConfigSummary c : configs) {
            if (!c.config().unbatched()) continue;
            double v = y.applyAsDouble(c);
            if (Double.isNaN(v)) continue;
            XYSeries s = chart.addSeries("unbatched baseline", new double[]{0}, new double[]{v});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(Color.BLACK);
            s.setLineStyle(SeriesLines.NONE);
        }
    }

    /** p95 latency against offered load (open loop), one line per scheduler; log scale, as a saturated server's p95 runs away. */
    public static XYChart p95VsOfferedLoad(List<SweepResult.RatePoint> points, double saturation, String subtitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("p95 latency vs offered load (open loop)" + subtitle)
                .xAxisTitle(String.format(Locale.ROOT, "offered load (requests/s; static batching saturates at %.1f)", saturation))
                .yAxisTitle("p95 latency (ms, from scheduled arrival; log scale)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("0.0");
        chart.getStyler().setXAxisMin(0.0);
        for (ServerConfig.Kind kind : SCHEDULERS) {
            List<SweepResult.RatePoint> line = points.stream().filter(p -> p.config().kind() == kind)
                    .filter(p -> p.run().latencyMillis(95) > 0).sorted((a, b) -> Double.compare(a.fraction(), b.fraction())).toList();
            if (line.isEmpty()) continue;
            XYSeries s = chart.addSeries(line.getFirst().config().scheduling() + ", max_batch=" + line.getFirst().config().maxBatch(),
                    line.stream().map(p -> p.run().offeredRate()).toList(), line.stream().map(p -> p.run().latencyMillis(95)).toList());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(SCHEDULER_COLOURS.get(kind));
            s.setMarkerColor(SCHEDULER_COLOURS.get(kind));
        }
        if (chart.getSeriesMap().isEmpty()) chart.addSeries("no open-loop run", new double[]{0}, new double[]{1});
        return chart;
    }

    /** For each configuration, the share of its forward passes by how many of the batch's rows computed something needed. */
    public static CategoryChart stepFillHistogram(List<ConfigSummary> configs, String subtitle) {
        return bucketShares(configs, ConfigSummary::pooledFill, true,
                (lower, upper) -> String.format(Locale.ROOT, "%.0f-%.0f%%", lower * 100, upper * 100),
                c -> c.config().scheduling() + ", max_batch=" + c.config().maxBatch(),
                "How full each forward pass was" + subtitle,
                "rows that computed a prompt or a needed token, share of the batch's rows", "share of passes (%)",
                "the servers reported no passes");
    }

    /** Latency CDFs of the baseline and one batched configuration, every run pooled. */
    public static XYChart latencyCdf(List<ConfigSummary> shown, String title) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("latency (ms)").yAxisTitle("fraction of requests answered within").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setMarkerSize(0);
        for (ConfigSummary c : shown) {
            Histogram h = c.pooledLatency();
            if (h.getTotalCount() == 0) continue;
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            xs.add(h.getMinValue() / 1e6);
            ys.add(0.0);
            long total = h.getTotalCount();
            for (HistogramIterationValue v : h.recordedValues()) {
                double x = h.highestEquivalentValue(v.getValueIteratedTo()) / 1e6;
                xs.add(x);
                ys.add(v.getTotalCountToThisValue() / (double) total);
            }
            XYSeries s = chart.addSeries(c.config().describe() + " (" + h.getTotalCount() + " requests)", xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Bucket labels of the server's batch-size histogram (bounds 1,2,4,...,64). */
    static String bucketLabel(double lower, double upper) {
        if (Double.isInfinite(upper)) return ">" + (long) lower;
        long lo = (long) Math.floor(lower) + 1, hi = (long) Math.floor(upper);
        return lo >= hi ? Long.toString(hi) : lo + "-" + hi;
    }

    /** For each configuration, the share of its batches in each size bucket. */
    public static CategoryChart batchFillHistogram(List<ConfigSummary> configs, String subtitle) {
        return bucketShares(configs, ConfigSummary::pooledBatchSizes, false, Charts::bucketLabel,
                c -> c.config().describe() + (Double.isNaN(c.meanBatchSize()) ? "" : String.format(" (mean %.1f)", c.meanBatchSize())),
                "How full the batches were" + subtitle, "batch size (requests per batch)", "share of batches (%)",
                "the server reported no batch sizes");
    }

    /**
     * For each configuration, the share of a histogram's observations (pooled over its runs) in each
     * bucket, on one shared set of buckets: the union of the bounds the servers reported.
     *
     * @param boundedAtOne the histogram's values are shares, at most 1: its +Inf bucket is left out
     */
    private static CategoryChart bucketShares(List<ConfigSummary> configs, Function<ConfigSummary, Map<Double, Double>> pooled,
                                              boolean boundedAtOne, BiFunction<Double, Double, String> label,
                                              Function<ConfigSummary, String> series, String title, String xTitle, String yTitle,
                                              String nothing) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(boundedAtOne ? Styler.LegendPosition.InsideNW : Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0");
        chart.getStyler().setAvailableSpaceFill(0.9);
        TreeMap<Double, Boolean> bounds = new TreeMap<>();
        for (ConfigSummary c : configs) pooled.apply(c).keySet().forEach(k -> bounds.put(k, true));
        if (boundedAtOne) bounds.remove(Double.POSITIVE_INFINITY);
        List<Double> uppers = new ArrayList<>(bounds.keySet());
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < uppers.size(); i++) labels.add(label.apply(i == 0 ? 0 : uppers.get(i - 1), uppers.get(i)));
        int drawn = 0;
        for (ConfigSummary c : configs) {
            Map<Double, Double> counts = pooled.apply(c);
            double total = uppers.stream().mapToDouble(u -> counts.getOrDefault(u, 0.0)).sum();
            if (!(total > 0)) continue;
            List<Double> shares = new ArrayList<>();
            for (double u : uppers) shares.add(100.0 * counts.getOrDefault(u, 0.0) / total);
            chart.addSeries(series.apply(c), labels, shares);
            drawn++;
        }
        if (drawn == 0) // keep the file honest rather than absent: nothing to show
            chart.addSeries(nothing, List.of("-"), List.of(0));
        return chart;
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setPlotGridLinesColor(new Color(225, 225, 225));
            a.setAxisTitlePadding(8);
        }
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setAntiAlias(true);
    }

    private static double log2(int v) {
        return Math.log(v) / Math.log(2);
    }

    public static void savePng(Chart<?, ?> chart, Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
