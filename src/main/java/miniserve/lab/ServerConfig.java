package miniserve.lab;

import miniserve.serving.ServeFlags;

import java.util.ArrayList;
import java.util.List;

/**
 * One server configuration of a sweep: the unbatched baseline; static batching with a {@code max_batch}
 * and a {@code max_wait_ms}, under the sweep's stop rule (lab 02) or stopping when its last row ends; or
 * continuous batching with a running batch of {@code max_batch} rows (lab 03).
 */
public record ServerConfig(Kind kind, int maxBatch, int maxWaitMs) {

    /** How the server batches. */
    public enum Kind {
        /** The unbatched baseline: one request at a time per worker. */
        UNBATCHED,
        /** Static batching under the sweep's stop rule (lab 02's fixed max_tokens by default). */
        STATIC,
        /** Static batching that stops once the batch's last row has ended. */
        STATIC_ALL_ENDED,
        /** Continuous batching: rows join and leave the running batch at every step. */
        CONTINUOUS
    }

    public ServerConfig {
        if (kind == null) throw new IllegalArgumentException("no kind of server");
        if (kind != Kind.UNBATCHED && maxBatch < 1) throw new IllegalArgumentException("max_batch must be >= 1, got " + maxBatch);
        if (maxWaitMs < 0) throw new IllegalArgumentException("max_wait_ms must be >= 0, got " + maxWaitMs);
    }

    public static ServerConfig baseline() {
        return new ServerConfig(Kind.UNBATCHED, 1, 0);
    }

    /** Static batching under the sweep's stop rule. */
    public static ServerConfig batched(int maxBatch, int maxWaitMs) {
        return new ServerConfig(Kind.STATIC, maxBatch, maxWaitMs);
    }

    public static ServerConfig allEnded(int maxBatch, int maxWaitMs) {
        return new ServerConfig(Kind.STATIC_ALL_ENDED, maxBatch, maxWaitMs);
    }

    public static ServerConfig continuous(int maxBatch) {
        return new ServerConfig(Kind.CONTINUOUS, maxBatch, 0);
    }

    /** The (max_batch, max_wait_ms) pairs of static batching in both labs. */
    private static final int[][] STATIC_PAIRS = {{1, 0}, {2, 10}, {4, 10}, {8, 20}, {16, 20}, {32, 50}};

    /** Lab 02's sweep: the baseline and static batching at (1,0) (2,10) (4,10) (8,20) (16,20) (32,50). */
    public static List<ServerConfig> labSweep() {
        List<ServerConfig> out = new ArrayList<>(List.of(baseline()));
        for (int[] p : STATIC_PAIRS) out.add(batched(p[0], p[1]));
        return List.copyOf(out);
    }

    /** The quick sweep of lab 02 for CI: enough to draw every figure and evaluate every check. */
    public static List<ServerConfig> quickSweep() {
        return List.of(baseline(), batched(1, 0), batched(4, 10), batched(8, 20));
    }

    /**
     * Lab 03's sweep: the baseline, and at each max_batch of lab 02 (with its max_wait_ms) static batching
     * with the fixed max_tokens rule, static batching stopping at its last row's end, and continuous batching.
     */
    public static List<ServerConfig> lab03Sweep() {
        List<ServerConfig> out = new ArrayList<>(List.of(baseline()));
        for (int[] p : STATIC_PAIRS) out.addAll(List.of(batched(p[0], p[1]), allEnded(p[0], p[1]), continuous(p[0])));
        return List.copyOf(out);
    }

    /** Lab 03's quick sweep for CI: the three schedulers at max_batch 2 and 8. */
    public static List<ServerConfig> lab03QuickSweep() {
        return List.of(baseline(), batched(2, 10), allEnded(2, 10), continuous(2), batched(8, 20), allEnded(8, 20), continuous(8));
    }

    /**
     * Parses a comma-separated list of {@code unbatched}, {@code MAX_BATCH:MAX_WAIT_MS} (static),
     * {@code ended:MAX_BATCH:MAX_WAIT_MS} (static to the last row's end) and {@code cont:MAX_BATCH} (continuous).
     */
    public static List<ServerConfig> parseList(String text) {
        List<ServerConfig> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (p.equalsIgnoreCase("unbatched") || p.equalsIgnoreCase("baseline")) {
                out.add(baseline());
                continue;
            }
            String[] f = p.split(":");
            try {
                String head = f[0].strip();
                if (f.length == 3 && head.equalsIgnoreCase("ended"))
                    out.add(allEnded(Integer.parseInt(f[1].strip()), Integer.parseInt(f[2].strip())));
                else if (f.length == 2 && head.equalsIgnoreCase("cont"))
                    out.add(continuous(Integer.parseInt(f[1].strip())));
                else if (f.length == 2)
                    out.add(batched(Integer.parseInt(head), Integer.parseInt(f[1].strip())));
                else
                    throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("configuration '" + p + "' is none of 'unbatched', MAX_BATCH:MAX_WAIT_MS (e.g. 8:20), "
                        + "ended:MAX_BATCH:MAX_WAIT_MS or cont:MAX_BATCH");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no configuration given");
        if (out.stream().distinct().count() != out.size())
            throw new IllegalArgumentException("a configuration is listed twice in '" + text + "'");
        return out;
    }

    public boolean unbatched() {
        return kind == Kind.UNBATCHED;
    }

    /** Short name for files and CSV rows: {@code unbatched}, {@code b8-w20}, {@code ended-b8-w20} or {@code cont-b8}. */
    public String label() {
        return switch (kind) {
            case UNBATCHED -> "unbatched";
            case STATIC -> "b" + maxBatch + "-w" + maxWaitMs;
            case STATIC_ALL_ENDED -> "ended-b" + maxBatch + "-w" + maxWaitMs;
            case CONTINUOUS -> "cont-b" + maxBatch;
        };
    }

    /** For people: {@code unbatched baseline}, {@code max_batch=8, max_wait_ms=20}, ... */
    public String describe() {
        return switch (kind) {
            case UNBATCHED -> "unbatched baseline";
            case STATIC -> "max_batch=" + maxBatch + ", max_wait_ms=" + maxWaitMs;
            case STATIC_ALL_ENDED -> "static to the last end, max_batch=" + maxBatch + ", max_wait_ms=" + maxWaitMs;
            case CONTINUOUS -> "continuous, max_batch=" + maxBatch;
        };
    }

    /** The scheduler as lab 03 names it: {@code unbatched}, {@code static (fixed max_tokens)}, ... */
    public String scheduling() {
        return switch (kind) {
            case UNBATCHED -> "unbatched";
            case STATIC -> "static (fixed max_tokens)";
            case STATIC_ALL_ENDED -> "static (to the last row's end)";
            case CONTINUOUS -> "continuous";
        };
    }

    public ServeFlags.Mode mode() {
        return unbatched() ? ServeFlags.Mode.UNBATCHED : ServeFlags.Mode.BATCHED;
    }

    public ServeFlags.Scheduler scheduler() {
        return kind == Kind.CONTINUOUS ? ServeFlags.Scheduler.CONTINUOUS : ServeFlags.Scheduler.STATIC;
    }
}
