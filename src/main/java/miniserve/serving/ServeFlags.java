package miniserve.serving;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Everything {@code miniserve serve} is started with: one value per flag of the command. The serve
 * command parses its command line into this record; the lab builds one per configuration and renders it
 * ({@link #toArgs}) into the command line of a fresh server process. A test renders every field, parses
 * it back with the serve command and compares, so the two cannot drift apart.
 *
 * @param port           TCP port; 0 picks a free one
 * @param mode           batched, or the unbatched baseline ({@code maxBatch} and {@code maxWaitMs} do not apply)
 * @param maxWaitMs      longest wait for more requests once a batch has its first
 * @param maxQueue       most requests waiting; more get 503 at once
 * @param queueTimeoutMs a request that waited this long without starting gets 503; 0 = no limit
 * @param maxTokens      tokens generated per sentence
 * @param threads        batched: compute threads; unbatched: worker threads, one request each
 * @param modelThreads   batched: batches in flight at once, 1 to {@code threads}; null: {@code threads}
 * @param modelThread    the kind of thread a batch runs on
 */
public record ServeFlags(String host, int port, Path weights, Mode mode, int maxBatch, long maxWaitMs, int maxQueue,
                         long queueTimeoutMs, int maxTokens, StopRule stopRule, int threads, Integer modelThreads,
                         ModelThread modelThread) {

    /** The subcommand's name. */
    public static final String COMMAND = "serve";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_WEIGHTS = "weights";
    public static final int DEFAULT_MAX_BATCH = 8;
    public static final long DEFAULT_MAX_WAIT_MS = 20;
    public static final int DEFAULT_MAX_QUEUE = 256;
    public static final long DEFAULT_QUEUE_TIMEOUT_MS = 0;
    /** Tokens generated per sentence unless told otherwise (in serve and in correct). */
    public static final int DEFAULT_MAX_TOKENS = 64;

    /** A value of a flag that takes one of a few words. */
    public interface Choice {
        /** The word on the command line: the constant's name in lower case, {@code _} as {@code -}. */
        default String flag() {
            return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** {@code --mode}. */
    public enum Mode implements Choice {
        /** Requests wait to form batches (the static scheduler). */
        BATCHED,
        /** Every request alone on one of the worker threads: the lab's baseline. */
        UNBATCHED
    }

    /** {@code --stop-rule}: when a batch stops decoding. */
    public enum StopRule implements Choice {
        /** Every row generates exactly maxTokens tokens, ended or not: Lab 02's rule, the default. */
        FIXED,
        /** Stop once every row has produced the end token (or at maxTokens): static batching as usually served. */
        ALL_ENDED
    }

    /**
     * {@code --model-thread}: the kind of thread a batch runs on. A forward pass computes for tens or
     * hundreds of milliseconds without blocking; on a virtual thread it holds one of the few carrier
     * threads that long and starves the HTTP handlers, which run on virtual threads too.
     */
    public enum ModelThread implements Choice {
        /** A dedicated platform thread: the right choice. */
        PLATFORM,
        /** A virtual thread: a demonstration of the trap, never for real use. */
        VIRTUAL
    }

    public ServeFlags {
        if (host == null || weights == null || mode == null || stopRule == null || modelThread == null)
            throw new IllegalArgumentException("host, weights, mode, stop rule and model thread are required");
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (modelThreads != null && (modelThreads < 1 || modelThreads > threads))
            throw new IllegalArgumentException("--model-threads must be between 1 and --threads (" + threads + "), got " + modelThreads);
        if (mode == Mode.UNBATCHED && modelThread == ModelThread.VIRTUAL)
            throw new IllegalArgumentException("--model-thread virtual demonstrates the trap in batched mode; "
                    + "the unbatched baseline always computes on platform threads");
    }

    /** Every flag at its default, with {@code threads} compute threads. */
    public static ServeFlags defaults(int threads) {
        return new ServeFlags(DEFAULT_HOST, DEFAULT_PORT, Path.of(DEFAULT_WEIGHTS), Mode.BATCHED, DEFAULT_MAX_BATCH,
                DEFAULT_MAX_WAIT_MS, DEFAULT_MAX_QUEUE, DEFAULT_QUEUE_TIMEOUT_MS, DEFAULT_MAX_TOKENS, StopRule.FIXED, threads,
                null, ModelThread.PLATFORM);
    }

    /** Batches in flight in batched mode: {@code modelThreads}, or one per compute thread. */
    public int batchThreads() {
        return modelThreads != null ? modelThreads : threads;
    }

    /** The command line after the main class: {@code serve --host ... --model-thread ...}, every flag spelled out. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(COMMAND,
                "--host", host,
                "--port", Integer.toString(port),
                "--weights", weights.toString(),
                "--mode", mode.flag(),
                "--max-batch", Integer.toString(maxBatch),
                "--max-wait-ms", Long.toString(maxWaitMs),
                "--max-queue", Integer.toString(maxQueue),
                "--queue-timeout-ms", Long.toString(queueTimeoutMs),
                "--max-tokens", Integer.toString(maxTokens),
                "--stop-rule", stopRule.flag(),
                "--threads", Integer.toString(threads)));
        if (modelThreads != null) args.addAll(List.of("--model-threads", Integer.toString(modelThreads)));
        args.addAll(List.of("--model-thread", modelThread.flag()));
        return args;
    }

    /** The constant of {@code type} whose {@link Choice#flag()} is {@code word} (any case). */
    public static <E extends Enum<E> & Choice> E parse(Class<E> type, String word) {
        for (E e : type.getEnumConstants()) if (e.flag().equalsIgnoreCase(word)) return e;
        throw new IllegalArgumentException("expected " + Arrays.stream(type.getEnumConstants()).map(Choice::flag)
                .collect(Collectors.joining(" or ")) + ", got '" + word + "'");
    }
}
