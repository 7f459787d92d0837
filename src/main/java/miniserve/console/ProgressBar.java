package miniserve.console;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One line on the console that shows how far a long job is:
 * <pre>[##########..............]  42%  round 1/3, config 2/7 b1-w0: run 1/3  elapsed 1m05s  left ~1m30s</pre>
 * The job reports units done (from any thread) and a text (its stage, its figures); the bar adds the
 * share done and the times. On a terminal the line is redrawn in place twice a second by a thread of
 * its own; elsewhere (a log file, a pipe) it is printed as a line of its own at each {@link #stage}, at
 * most every {@code plainEvery} otherwise, and once more at the end, so a log stays readable. Messages
 * ({@link #println}) go above the line.
 */
public final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 24;
    private static final Duration REDRAW_EVERY = Duration.ofMillis(500);

    private final PrintWriter out;
    private final boolean inPlace;
    private final long plainEveryNanos;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final Thread ticker;
    private volatile long total;
    private volatile String text = "";
    private volatile long resumedDone;
    private volatile double resumedSeconds;
    private long lastPlainNanos = System.nanoTime();
    private long lastPlainDone = -1;
    private String lastPlainText;
    private int lastWidth;
    private boolean closed;

    /**
     * @param inPlace    redraw the line in place (a terminal) rather than print lines (a file, a pipe)
     * @param plainEvery when not in place, the longest time between two lines while units advance
     * @param total      units of the whole job
     */
    public ProgressBar(PrintWriter out, boolean inPlace, Duration plainEvery, long total) {
        this.out = out;
        this.inPlace = inPlace;
        this.plainEveryNanos = plainEvery.toNanos();
        this.total = Math.max(1, total);
        this.ticker = inPlace ? Thread.ofPlatform().daemon().name("progress-bar").start(this::tick) : null;
    }

    private void tick() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                redraw();
                Thread.sleep(REDRAW_EVERY);
            }
        } catch (InterruptedException ignored) {
            // closing
        }
    }

    /**
     * A job that continues an earlier one (a resumed training run): {@code units} were done before, in
     * {@code seconds}. They count in the share done and the elapsed time, not in the speed that estimates
     * the time left.
     */
    public void resume(long units, double seconds) {
        resumedDone = units;
        resumedSeconds = seconds;
        done.accumulateAndGet(units, Math::max);
    }

    /** More work than planned at the start (its size became known along the way). */
    public synchronized void addTotal(long units) {
        total += Math.max(0, units);
    }

    /** Units done so far; progress never goes back (callers on several threads may report out of order). */
    public void advanceTo(long units) {
        done.accumulateAndGet(units, Math::max);
        if (!inPlace) printIfDue(false);
    }

    /** Units done so far and a new text (the job's figures); when not in place, a line if one is due. */
    public void update(long units, String text) {
        this.text = text;
        advanceTo(units);
    }

    /** A new stage of the job: its text; when not in place, a line at once. */
    public void stage(String text) {
        this.text = text;
        if (!inPlace) printIfDue(true);
    }

    /** Prints a message above the line. */
    public synchronized void println(String message) {
        if (inPlace && !closed) out.print("\r" + " ".repeat(lastWidth) + "\r");
        out.println(message);
        out.flush();
        if (inPlace && !closed) redraw();
    }

    private synchronized void printIfDue(boolean now) {
        if (closed) return;
        long t = System.nanoTime();
        if (!now && t - lastPlainNanos < plainEveryNanos) return;
        printPlain(t);
        out.flush();
    }

    private void printPlain(long nanos) {
        lastPlainNanos = nanos;
        lastPlainDone = done.get();
        lastPlainText = text;
        out.println(line());
    }

    private synchronized void redraw() {
        if (closed) return;
        String l = line();
        out.print("\r" + l + (l.length() < lastWidth ? " ".repeat(lastWidth - l.length()) : ""));
        out.flush();
        lastWidth = l.length();
    }

    /** The line as it stands: bar, share done, the job's text, elapsed and estimated time left. */
    public String line() {
        long total = this.total;
        long units = Math.min(done.get(), total);
        double fraction = units / (double) total;
        int filled = (int) Math.round(fraction * WIDTH);
        double session = (System.nanoTime() - startNanos) / 1e9;
        long sessionUnits = units - Math.min(resumedDone, units);
        String left = sessionUnits == 0 ? "?" : duration(session / sessionUnits * (total - units));
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %s  elapsed %s  left ~%s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), fraction * 100, text, duration(resumedSeconds + session), left);
    }

    /** A duration as the line shows it: 0m05s, 12m03s, 1h05m. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** The final state: redrawn and ended in place, or printed once more if it changed since the last line. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (closed) return;
            if (inPlace) {
                redraw();
                out.println();
            } else if (done.get() != lastPlainDone || !text.equals(lastPlainText)) {
                printPlain(System.nanoTime()); // the job moved since the last line
            }
            out.flush();
            closed = true;
        }
    }
}
