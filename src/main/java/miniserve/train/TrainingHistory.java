package miniserve.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The loss curve of a run: one row per step, with the held-out loss where it was measured. */
public final class TrainingHistory {

    /**
     * @param step        1-based step number
     * @param lr          learning rate used
     * @param trainLoss   mean cross-entropy of the step's batch (target tokens)
     * @param gradNorm    global gradient norm before clipping
     * @param heldOutLoss held-out loss measured after this step, NaN if not measured
     * @param tokens      real (non-padding) tokens seen so far
     * @param elapsedSeconds training wall time so far, over all resumed parts
     */
    public record Row(int step, float lr, float trainLoss, float gradNorm, float heldOutLoss, long tokens, double elapsedSeconds) {}

    public static final String CSV_HEADER = "step,lr,train_loss,grad_norm,heldout_loss,tokens,elapsed_s";

    private final List<Row> rows = new ArrayList<>();

    public void add(Row row) {
        rows.add(row);
    }

    /** Sets the held-out loss of the last row. */
    public void setLastHeldOut(float loss) {
        Row r = rows.get(rows.size() - 1);
        rows.set(rows.size() - 1, new Row(r.step, r.lr, r.trainLoss, r.gradNorm, loss, r.tokens, r.elapsedSeconds));
    }

    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    public int size() {
        return rows.size();
    }

    public void writeCsv(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write(CSV_HEADER + "\n");
            for (Row r : rows) w.write(csvLine(r) + "\n");
        }
    }

    static String csvLine(Row r) {
        // Floats in their shortest exact form, so a checkpoint's history reads back unchanged.
        return r.step + "," + r.lr + "," + r.trainLoss + "," + r.gradNorm + ","
                + (Float.isNaN(r.heldOutLoss) ? "" : Float.toString(r.heldOutLoss)) + "," + r.tokens + ","
                + String.format(Locale.ROOT, "%.3f", r.elapsedSeconds);
    }

    /** Reads a CSV written by {@link #writeCsv}. */
    public static TrainingHistory readCsv(Path file) throws IOException {
        TrainingHistory h = new TrainingHistory();
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(CSV_HEADER))
            throw new IOException(file + " is not a loss-curve CSV (header must be '" + CSV_HEADER + "')");
        for (String line : lines.subList(1, lines.size())) {
            try {
                h.add(parseCsvLine(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": malformed row '" + line + "'");
            }
        }
        return h;
    }

    /** One row as {@link #csvLine} writes it. */
    static Row parseCsvLine(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 7) throw new IllegalArgumentException("expected 7 fields: " + line);
        return new Row(Integer.parseInt(f[0]), Float.parseFloat(f[1]), Float.parseFloat(f[2]), Float.parseFloat(f[3]),
                f[4].isEmpty() ? Float.NaN : Float.parseFloat(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6]));
    }

    /**
     * A PNG of the training loss (mean over windows of steps, so the batch noise does not hide
     * the trend) and of the held-out loss, against the step.
     */
    public void writePng(Path file, String title) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
                .xAxisTitle("step").yAxisTitle("cross-entropy (nats per target token)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        int window = Math.max(1, rows.size() / 200);
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += window) {
            double sum = 0;
            int n = 0;
            for (int j = i; j < Math.min(rows.size(), i + window); j++, n++) sum += rows.get(j).trainLoss;
            xs.add((double) rows.get(Math.min(rows.size() - 1, i + n - 1)).step);
            ys.add(sum / n);
        }
        if (!xs.isEmpty()) {
            XYSeries train = chart.addSeries(window > 1 ? "train (mean of " + window + " steps)" : "train", xs, ys);
            train.setMarker(SeriesMarkers.NONE);
        }
        List<Double> hx = new ArrayList<>(), hy = new ArrayList<>();
        for (Row r : rows) {
            if (Float.isNaN(r.heldOutLoss)) continue;
            hx.add((double) r.step);
            hy.add((double) r.heldOutLoss);
        }
        if (!hx.isEmpty()) chart.addSeries("held-out", hx, hy).setMarker(SeriesMarkers.CIRCLE);
        if (xs.isEmpty() && hx.isEmpty()) throw new IOException("no loss recorded yet, nothing to plot");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
