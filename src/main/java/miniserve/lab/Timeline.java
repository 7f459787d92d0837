package miniserve.lab;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code timeline.png}: for each scheduler a panel of one model thread's rows against time, every
 * forward pass a column whose cells say what each row computed in it: a prompt (with its left padding
 * in another colour), a needed token, a token after the row's end, or nothing. The picture that
 * explains lab 03: static batches leave rows idle or computing waste until the batch ends, the running
 * batch fills a freed row at the next pass.
 */
final class Timeline {

    static final Color PROMPT = new Color(44, 160, 44);
    static final Color NEEDED = new Color(31, 119, 180);
    static final Color PADDING = new Color(148, 103, 189);
    static final Color AFTER_END = new Color(214, 39, 40);
    static final Color IDLE = new Color(225, 225, 225);
    private static final Color NO_PASS = Color.WHITE;

    private static final int WIDTH = 1400, LEFT = 70, RIGHT = 20, TOP = 50, PANEL_GAP = 70, LEGEND = 60;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;

    private Timeline() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** The figure, one panel per window (in the given order). */
    static BufferedImage draw(List<TraceWindow> windows, String title) {
        int rowHeight = 12;
        int height = TOP + LEGEND;
        for (TraceWindow w : windows) height += Math.max(1, w.rows()) * rowHeight + PANEL_GAP;
        BufferedImage img = new BufferedImage(WIDTH, Math.max(height, TOP + LEGEND + 40), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        int y = TOP;
        for (TraceWindow w : windows) y = panel(g, w, y, rowHeight) + PANEL_GAP;
        if (windows.isEmpty()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString("no trace was recorded", LEFT, y + 20);
            y += 40;
        }
        legend(g, y - PANEL_GAP + 40);
        g.dispose();
        return img;
    }

    /** One panel from {@code top}; returns its bottom. */
    private static int panel(Graphics2D g, TraceWindow w, int top, int rowHeight) {
        int rows = Math.max(1, w.rows());
        double span = w.toMs() - w.fromMs();
        double needed = 0, busy = 0;
        for (TraceWindow.Pass p : w.passes()) {
            double from = Math.max(p.startMs(), w.fromMs()), to = Math.min(p.endMs(), w.toMs());
            if (to <= from) continue;
            int x0 = LEFT + (int) Math.round((from - w.fromMs()) / span * PLOT_WIDTH);
            int x1 = Math.max(x0 + 1, LEFT + (int) Math.round((to - w.fromMs()) / span * PLOT_WIDTH));
            busy += to - from;
            for (int r = 0; r < rows; r++) {
                char k = r < p.rows().length() ? p.rows().charAt(r) : '.';
                int y0 = top + r * rowHeight;
                if (k == 'P' || k == 'D') needed += (to - from);
                if (k == 'P' && p.padding()[r] > 0) {
                    int padded = (int) Math.round((rowHeight - 1) * (double) p.padding()[r] / p.tokens()[r]);
                    g.setColor(PADDING);
                    g.fillRect(x0, y0, x1 - x0, padded);
                    g.setColor(PROMPT);
                    g.fillRect(x0, y0 + padded, x1 - x0, rowHeight - 1 - padded);
                    continue;
                }
                g.setColor(switch (k) {
                    case 'P' -> PROMPT;
                    case 'D' -> NEEDED;
                    case 'A' -> AFTER_END;
                    default -> IDLE;
                });
                g.fillRect(x0, y0, x1 - x0, rowHeight - 1);
            }
        }
        int bottom = top + rows * rowHeight;
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawRect(LEFT, top, PLOT_WIDTH, rows * rowHeight);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(String.format(Locale.ROOT, "%s (%s): %d passes in %.1f s; rows computing a prompt or a needed token %.0f%% of the time, "
                        + "a pass running %.0f%%", w.describe(), w.label(), w.passes().size(), span / 1000,
                needed / (span * rows) * 100, busy / span * 100), LEFT, top - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int r = 0; r < rows; r += Math.max(1, rows / 8)) g.drawString("row " + r, 8, top + r * rowHeight + rowHeight - 2);
        for (int t = 0; t <= span; t += 250) {
            int x = LEFT + (int) Math.round(t / span * PLOT_WIDTH);
            g.drawLine(x, bottom, x, bottom + 4);
            g.drawString(t + " ms", x - 14, bottom + 16);
        }
        return bottom + 20;
    }

    private static void legend(Graphics2D g, int y) {
        Object[][] items = {{PROMPT, "prompt (prefill)"}, {PADDING, "left padding of a prompt"}, {NEEDED, "needed token (decode)"},
                {AFTER_END, "token after the row's end"}, {IDLE, "row idle in a pass"}, {NO_PASS, "no pass running"}};
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = LEFT;
        for (Object[] it : items) {
            g.setColor((Color) it[0]);
            g.fillRect(x, y - 10, 14, 12);
            g.setColor(Color.GRAY);
            g.drawRect(x, y - 10, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString((String) it[1], x + 20, y);
            x += 40 + g.getFontMetrics().stringWidth((String) it[1]);
        }
    }

    static void savePng(List<TraceWindow> windows, String title, Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            ImageIO.write(draw(windows, title), "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
