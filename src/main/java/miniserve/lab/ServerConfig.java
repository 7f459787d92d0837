package miniserve.lab;

import miniserve.serving.ServeFlags;

import java.util.ArrayList;
import java.util.List;

/**
 * One server configuration of the sweep: the unbatched baseline, or static batching with a
 * {@code max_batch} and a {@code max_wait_ms}.
 */
public record ServerConfig(boolean unbatched, int maxBatch, int maxWaitMs) {

    public ServerConfig {
        if (!unbatched && maxBatch < 1) throw new IllegalArgumentException("max_batch must be >= 1, got " + maxBatch);
        if (!unbatched && maxWaitMs < 0) throw new IllegalArgumentException("max_wait_ms must be >= 0, got " + maxWaitMs);
    }

    public static ServerConfig baseline() {
        return new ServerConfig(true, 1, 0);
    }

    public static ServerConfig batched(int maxBatch, int maxWaitMs) {
        return new ServerConfig(false, maxBatch, maxWaitMs);
    }

    /** The lab's sweep: the baseline and (1,0) (2,10) (4,10) (8,20) (16,20) (32,50). */
    public static List<ServerConfig> labSweep() {
        return List.of(baseline(), batched(1, 0), batched(2, 10), batched(4, 10), batched(8, 20),
                batched(16, 20), batched(32, 50));
    }

    /** The quick sweep for CI: enough to draw every figure and evaluate every check. */
    public static List<ServerConfig> quickSweep() {
        return List.of(baseline(), batched(1, 0), batched(4, 10), batched(8, 20));
    }

    /** Parses {@code unbatched} or {@code MAX_BATCH:MAX_WAIT_MS}, comma-separated. */
    public static List<ServerConfig> parseList(String text) {
        List<ServerConfig> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (p.equalsIgnoreCase("unbatched") || p.equalsIgnoreCase("baseline")) {
                out.add(baseline());
                continue;
            }
            String[] bw = p.split(":");
            try {
                if (bw.length != 2) throw new NumberFormatException();
                out.add(batched(Integer.parseInt(bw[0].strip()), Integer.parseInt(bw[1].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("configuration '" + p + "' is neither 'unbatched' nor MAX_BATCH:MAX_WAIT_MS (e.g. 8:20)");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no configuration given");
        if (out.stream().distinct().count() != out.size())
            throw new IllegalArgumentException("a configuration is listed twice in '" + text + "'");
        return out;
    }

    /** Short name for files and CSV rows: {@code unbatched} or {@code b8-w20}. */
    public String label() {
        return unbatched ? "unbatched" : "b" + maxBatch + "-w" + maxWaitMs;
    }

    /** For people: {@code unbatched baseline} or {@code max_batch=8, max_wait_ms=20}. */
    public String describe() {
        return unbatched ? "unbatched baseline" : "max_batch=" + maxBatch + ", max_wait_ms=" + maxWaitMs;
    }

    public ServeFlags.Mode mode() {
        return unbatched ? ServeFlags.Mode.UNBATCHED : ServeFlags.Mode.BATCHED;
    }
}
