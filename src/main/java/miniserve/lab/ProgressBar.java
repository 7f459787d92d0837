package miniserve.lab;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line on the console: how far the sweep is (in requests), which configuration and repetition
 * is running, time spent and an estimate of the time left. On a terminal the line is redrawn in place
 * twice a second; otherwise a line is printed at each stage.
 */
final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 28;

    private final PrintWriter out;
    private final boolean interactive;
    private volatile long totalUnits;
    private final long startNanos = System.nanoTime();
    private final AtomicLong doneUnits = new AtomicLong();
    private volatile long stageBase;
    private volatile String stage = "starting";
    private final Thread ticker;
    private int lastWidth;

    ProgressBar(PrintWriter out, boolean interactive, long totalUnits) {
        this.out = out;
        this.interactive = interactive;
        this.totalUnits = Math.max(1, totalUnits);
        if (interactive) {
            ticker = Thread.ofPlatform().daemon().name("lab-progress").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        redraw();
                        Thread.sleep(500);
                    }
                } catch (InterruptedException ignored) {
                    // closing
                }
            });
        } else {
            ticker = null;
        }
    }

    /** A new stage (configuration, repetition): units done so far become its base. */
    synchronized void stage(String text) {
        stage = text;
        stageBase = doneUnits.get();
        if (!interactive) {
            out.println(line());
            out.flush();
        }
    }

    /** Units done within the current stage (called by the load generator, from many threads). */
    void stageProgress(long done) {
        doneUnits.accumulateAndGet(stageBase + done, Math::max);
    }

    /** Marks a whole block of units done (a stage that was cut short, or skipped work). */
    void completeTo(long units) {
        doneUnits.accumulateAndGet(units, Math::max);
    }

    /** More work than planned at the start (its size became known during the sweep). */
    synchronized void addUnits(long units) {
        totalUnits += Math.max(0, units);
    }

    /** Prints a message above the bar. */
    synchronized void println(String message) {
        if (interactive) out.print("\r" + " ".repeat(lastWidth) + "\r");
        out.println(message);
        out.flush();
        if (interactive) redraw();
    }

    private synchronized void redraw() {
        String l = line();
        out.print("\r" + l + (l.length() < lastWidth ? " ".repeat(lastWidth - l.length()) : ""));
        out.flush();
        lastWidth = l.length();
    }

    String line() {
        long done = Math.min(doneUnits.get(), totalUnits);
        double fraction = done / (double) totalUnits;
        int filled = (int) Math.round(fraction * WIDTH);
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String left = done == 0 ? "?" : clock(elapsed / done * (totalUnits - done));
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %s  elapsed %s  left ~%s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100, stage, clock(elapsed), left);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.interrupt();
            redraw();
            out.println();
            out.flush();
        }
    }
}
