package miniserve.train;

import miniserve.console.ProgressBar;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A training run on the console: a {@link ProgressBar} whose text is the step, the training loss
 * (mean of the last steps), the last held-out loss and tokens per second; held-out results, epochs
 * and checkpoints are printed as lines of their own above it.
 */
public final class TrainingProgress implements Trainer.Listener {

    /** Steps over which the loss and speed shown are averaged. */
    private static final int WINDOW = 20;

    private final PrintWriter out;
    private final boolean inPlace;
    private final Duration plainEvery;
    private ProgressBar bar;
    private float lastHeldOut = Float.NaN;
    private volatile boolean stopping;

    /**
     * @param inPlace    redraw the line in place (a terminal)
     * @param plainEvery otherwise, the longest time between two progress lines
     */
    public TrainingProgress(PrintWriter out, boolean inPlace, Duration plainEvery) {
        this.out = out;
        this.inPlace = inPlace;
        this.plainEvery = plainEvery;
    }

    /** Redraws in place when a console is attached, else prints a line every 30 seconds. */
    public static TrainingProgress on(PrintWriter out) {
        return new TrainingProgress(out, System.console() != null, Duration.ofSeconds(30));
    }

    @Override
    public void started(Trainer t) {
        TrainingOptions o = t.options();
        bar = new ProgressBar(out, inPlace, plainEvery, o.steps());
        List<TrainingHistory.Row> rows = t.history().rows();
        if (!rows.isEmpty()) bar.resume(t.stepsDone(), rows.get(rows.size() - 1).elapsedSeconds());
        bar.println(String.format(Locale.ROOT, "training %,d parameters (C=%d, %d layers, %d heads, vocab %d) for %d steps of %d sequences%s",
                o.model().parameterCount(), o.model().nEmbd(), o.model().nLayer(), o.model().nHead(), o.model().vocabSize(),
                o.steps(), o.batchSize(), t.stepsDone() > 0 ? ", resuming after step " + t.stepsDone() : ""));
    }

    @Override
    public void epochStarted(Trainer t, int epoch, int batches, int skippedTooLong) {
        bar.println(String.format(Locale.ROOT, "epoch %d: %d batches%s", epoch + 1, batches,
                skippedTooLong > 0 ? ", " + skippedTooLong + " examples longer than the sequence length left out" : ""));
    }

    @Override
    public void stepDone(Trainer t, TrainingHistory.Row row) {
        bar.update(row.step(), text(t));
        if (t.finished()) bar.close();
    }

    @Override
    public void heldOut(Trainer t, int step, float loss) {
        lastHeldOut = loss;
        bar.println(String.format(Locale.ROOT, "step %d: held-out loss %.4f", step, loss));
    }

    @Override
    public void checkpointSaved(Trainer t, Path dir) {
        if (!t.finished() && !stopping) return; // a checkpoint every K steps is routine; say it at the end
        bar.close(); // the run ends here, finished or stopped
        bar.println("checkpoint at step " + t.stepsDone() + " in " + dir + (t.finished() ? "" : "; --resume continues the run"));
    }

    /** Marks the run as stopping early, so the last checkpoint is announced. */
    public void stopping() {
        stopping = true;
    }

    /** The bar's text for the trainer's current state: step, loss, held-out loss, speed. */
    String text(Trainer t) {
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
        double tokPerSec = dt > 0 && now.step() > then.step() ? (now.tokens() - then.tokens()) / dt : Double.NaN;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "step %d/%d | loss %.4f", now.step(), t.options().steps(), loss));
        if (!Float.isNaN(lastHeldOut)) sb.append(String.format(Locale.ROOT, " | held-out %.4f", lastHeldOut));
        sb.append(" | ").append(Double.isNaN(tokPerSec) ? "-" : String.format(Locale.ROOT, "%,.0f", tokPerSec)).append(" tok/s");
        return sb.toString();
    }
}
