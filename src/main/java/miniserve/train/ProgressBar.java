package miniserve.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One line that redraws itself in place: step, a bar, the training loss (mean of the last
 * steps), the last held-out loss, tokens per second, elapsed and estimated time left.
 * Held-out results, epochs and checkpoints are printed as lines of their own above it.
 * When the output is not a terminal the line is printed every {@code plainIntervalSeconds}
 * instead of redrawn, so a log file stays readable.
 */
public final class ProgressBar implements Trainer.Listener {

    private static final int WIDTH = 24;
    /** Steps over which the loss and speed shown are averaged. */
    private static final int WINDOW = 20;

    private final PrintWriter out;
    private final boolean redraw;
    private final double plainIntervalSeconds;
    private long lastDraw;
    private float lastHeldOut = Float.NaN;
    private boolean lineOpen;
    private volatile boolean stopping;

    public ProgressBar(PrintWriter out, boolean redraw, double plainIntervalSeconds) {
        this.out = out;
        this.redraw = redraw;
        this.plainIntervalSeconds = plainIntervalSeconds;
    }

    /** Redraws in place when a console is attached, else prints a line every 30 seconds. */
    public static ProgressBar on(PrintWriter out) {
        return new ProgressBar(out, System.console() != null, 30);
    }

    @Override
    public void started(Trainer t) {
        TrainingOptions o = t.options();
        printLine(String.format(Locale.ROOT, "training %,d parameters (C=%d, %d layers, %d heads, vocab %d) for %d steps of %d sequences%s",
                o.model().parameterCount(), o.model().nEmbd(), o.model().nLayer(), o.model().nHead(), o.model().vocabSize(),
                o.steps(), o.batchSize(), t.stepsDone() > 0 ? ", resuming after step " + t.stepsDone() : ""));
    }

    @Override
    public void epochStarted(Trainer t, int epoch, int batches, int skippedTooLong) {
        printLine(String.format(Locale.ROOT, "epoch %d: %d batches%s", epoch + 1, batches,
                skippedTooLong > 0 ? ", " + skippedTooLong + " examples longer than the sequence length left out" : ""));
    }

    @Override
    public void stepDone(Trainer t, TrainingHistory.Row row) {
        long now = System.nanoTime();
        boolean last = t.finished();
        double interval = redraw ? 0.25 : plainIntervalSeconds;
        if (!last && lastDraw != 0 && (now - lastDraw) / 1e9 < interval) return;
        lastDraw = now;
        String line = render(t);
        if (redraw) {
            out.print("\r" + line + "\033[K");
            lineOpen = true;
            if (last) newLine();
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void heldOut(Trainer t, int step, float loss) {
        lastHeldOut = loss;
        printLine(String.format(Locale.ROOT, "step %d: held-out loss %.4f", step, loss));
    }

    @Override
    public void checkpointSaved(Trainer t, Path dir) {
        if (!t.finished() && !stopping) return; // a checkpoint every K steps is routine; say it at the end
        printLine("checkpoint at step " + t.stepsDone() + " in " + dir + (t.finished() ? "" : "; --resume continues the run"));
    }

    /** Marks the run as stopping early, so the last checkpoint is announced. */
    public void stopping() {
        stopping = true;
    }

    /** The progress line for the trainer's current state. */
    String render(Trainer t) {
        List<TrainingHistory.Row> rows = t.history().rows();
        int n = rows.size();
        TrainingHistory.Row now = rows.get(n - 1);
        double loss = 0;
        int k = Math.min(WINDOW, n);
        for (int i = n - k; i < n; i++) loss += rows.get(i).trainLoss();
        loss /= k;
        // Speed over the last steps; the first step alone has no earlier row to measure from.
        TrainingHistory.Row then = rows.get(Math.max(0, n - 1 - WINDOW));
        double dt = now.elapsedSeconds() - then.elapsedSeconds();
        int dSteps = now.step() - then.step();
        double tokPerSec = dt > 0 && dSteps > 0 ? (now.tokens() - then.tokens()) / dt : Double.NaN;
        double secPerStep = dSteps > 0 ? dt / dSteps : Double.NaN;
        int total = t.options().steps();
        double left = (total - now.step()) * secPerStep;
        int filled = (int) Math.round((double) WIDTH * now.step() / total);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "step %d/%d [", now.step(), total));
        for (int i = 0; i < WIDTH; i++) sb.append(i < filled ? '#' : '-');
        sb.append(String.format(Locale.ROOT, "] %3d%% | loss %.4f", 100L * now.step() / total, loss));
        if (!Float.isNaN(lastHeldOut)) sb.append(String.format(Locale.ROOT, " | held-out %.4f", lastHeldOut));
        sb.append(String.format(Locale.ROOT, " | %s tok/s | %s elapsed | %s left",
                Double.isNaN(tokPerSec) ? "-" : String.format(Locale.ROOT, "%,.0f", tokPerSec),
                duration(now.elapsedSeconds()), Double.isNaN(left) ? "-" : duration(left)));
        return sb.toString();
    }

    /** A duration as the progress line shows it: 12m03s, 1h05m. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private void printLine(String line) {
        if (lineOpen) {
            out.print("\r\033[K"); // the bar is redrawn below the message at the next step
            lineOpen = false;
            lastDraw = 0;
        }
        out.println(line);
        out.flush();
    }

    private void newLine() {
        out.println();
        lineOpen = false;
    }
}
