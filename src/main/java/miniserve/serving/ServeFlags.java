package miniserve.serving;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Everything {@code miniserve serve} is started with: one value per flag of the command, checked once.
 * The serve command parses its command line into this record and the server reads its configuration
 * from it (the server's {@code RequestQueues} picks the executor from it); the lab builds one per
 * configuration and renders it ({@link #toArgs}) into the command line of a fresh server process. A
 * test renders every field, parses it back with the serve command and compares, so the two cannot
 * drift apart.
 *
 * @param port             TCP port; 0 picks a free one
 * @param mode             batched, or the unbatched baseline (the batching flags do not apply)
 * @param scheduler        batched: static batches, or a continuous running batch
 * @param maxBatch         batched: requests per static batch, or rows of each running batch
 * @param maxWaitMs        static batching: longest wait for more requests once a batch has its first
 * @param prefillTokens    continuous batching: most prompt tokens prefilled in one step
 * @param maxQueue         most requests waiting; more get 503 at once
 * @param requestTimeoutMs a request not answered within this gets 503, waiting or being computed; 0 = no limit
 * @param maxTokens        most tokens generated per sentence, its end token counted
 * @param stopRule         static batching: when a batch stops decoding
 * @param threads          batched: compute threads; unbatched: worker threads, one request each
 * @param modelThreads     batched: batches in flight at once, 1 to {@code threads}; null: {@code threads}
 * @param modelThread      the kind of thread a batch runs on
 * @param historyDb        the SQLite file of the learner history; null: the default file (unless {@code historyUrl})
 * @param historyUrl       a PostgreSQL JDBC URL for the learner history instead; null: SQLite
 * @param listenWhenReady  open the port only once ready, and close it first when draining
 */
public record ServeFlags(String host, int port, Path weights, Mode mode, Scheduler scheduler, int maxBatch, long maxWaitMs,
                         int prefillTokens, int maxQueue, long requestTimeoutMs, int maxTokens, StopRule stopRule, int threads,
                         Integer modelThreads, ModelThread modelThread, Path historyDb, String historyUrl,
                         boolean listenWhenReady) {

    /** The subcommand's name. */
    public static final String COMMAND = "serve";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_WEIGHTS = "weights";
    public static final int DEFAULT_MAX_BATCH = 8;
    public static final long DEFAULT_MAX_WAIT_MS = 20;
    /** Prompt tokens per continuous step: a few of the tutor's prompts (each at most n_positions - max_tokens long). */
    public static final int DEFAULT_PREFILL_TOKENS = 256;
    public static final int DEFAULT_MAX_QUEUE = 256;
    /** Long enough for any answer at the lab's loads, short enough that a stuck request does not hold its client for minutes. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    /** Tokens generated per sentence unless told otherwise (in serve; correct gives an answer all the context the sentence leaves). */
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
        /** Requests are batched by the {@link Scheduler}. */
        BATCHED,
        /** Every request alone on one of the worker threads: the lab's baseline. */
        UNBATCHED
    }

    /** {@code --scheduler}: how batched mode batches. */
    public enum Scheduler implements Choice {
        /** Requests wait to form a batch that runs until its stop rule (lab 02). */
        STATIC,
        /** A running batch per model thread that requests join and leave at every step (lab 03). */
        CONTINUOUS
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
        if (host == null || weights == null || mode == null || scheduler == null || stopRule == null || modelThread == null)
            throw new IllegalArgumentException("host, weights, mode, scheduler, stop rule and model thread are required");
        if (maxBatch < 1) throw new IllegalArgumentException("--max-batch must be >= 1, got " + maxBatch);
        if (maxWaitMs < 0) throw new IllegalArgumentException("--max-wait-ms must be >= 0, got " + maxWaitMs);
        if (prefillTokens < 1) throw new IllegalArgumentException("--prefill-tokens must be >= 1, got " + prefillTokens);
        if (maxQueue < 1) throw new IllegalArgumentException("--max-queue must be >= 1, got " + maxQueue);
        if (requestTimeoutMs < 0) throw new IllegalArgumentException("--request-timeout-ms must be >= 0 (0 = no limit), got " + requestTimeoutMs);
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (modelThreads != null && (modelThreads < 1 || modelThreads > threads))
            throw new IllegalArgumentException("--model-threads must be between 1 and --threads (" + threads + "), got " + modelThreads);
        if (mode == Mode.UNBATCHED && modelThread == ModelThread.VIRTUAL)
            throw new IllegalArgumentException("--model-thread virtual demonstrates the trap in batched mode; "
                    + "the unbatched baseline always computes on platform threads");
        if (historyDb != null && historyUrl != null)
            throw new IllegalArgumentException("give --history-db or --history-url, not both");
    }

    /** Every flag at its default, with {@code threads} compute threads. */
    public static ServeFlags defaults(int threads) {
        return new ServeFlags(DEFAULT_HOST, DEFAULT_PORT, Path.of(DEFAULT_WEIGHTS), Mode.BATCHED, Scheduler.STATIC, DEFAULT_MAX_BATCH,
                DEFAULT_MAX_WAIT_MS, DEFAULT_PREFILL_TOKENS, DEFAULT_MAX_QUEUE, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_MAX_TOKENS,
                StopRule.FIXED, threads, null, ModelThread.PLATFORM, null, null, false);
    }

    /** Batches in flight in batched mode: {@code modelThreads}, or one per compute thread. */
    public int batchThreads() {
        return modelThreads != null ? modelThreads : threads;
    }

    /** Whether requests join and leave a running batch at every step. */
    public boolean continuous() {
        return mode == Mode.BATCHED && scheduler == Scheduler.CONTINUOUS;
    }

    /** Model workers: unbatched, one per thread; batched, one per model thread. */
    public int workers() {
        return mode == Mode.UNBATCHED ? threads : batchThreads();
    }

    /** Rows each worker computes at once. */
    public int rowsPerWorker() {
        return mode == Mode.UNBATCHED ? 1 : maxBatch;
    }

    /** For people: {@code static batching, max batch 8, max wait 20 ms, ...}, what applies to this mode. */
    public String describe() {
        StringBuilder b = new StringBuilder(mode == Mode.UNBATCHED ? "unbatched" : continuous() ? "continuous batching" : "static batching");
        if (mode == Mode.BATCHED) b.append(", max batch ").append(maxBatch);
        if (mode == Mode.BATCHED && !continuous()) b.append(", max wait ").append(maxWaitMs).append(" ms");
        if (continuous()) b.append(", prefill tokens ").append(prefillTokens);
        b.append(", max tokens ").append(maxTokens);
        if (mode == Mode.BATCHED && !continuous()) b.append(", stop rule ").append(stopRule.flag());
        b.append(", request timeout ").append(requestTimeoutMs).append(" ms, ").append(threads).append(" threads");
        if (mode == Mode.BATCHED) b.append(", ").append(batchThreads()).append(" model threads");
        return b.toString();
    }

    /** The command line after the main class: {@code serve --host ... --model-thread ...}, every flag spelled out. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(COMMAND,
                "--host", host,
                "--port", Integer.toString(port),
                "--weights", weights.toString(),
                "--mode", mode.flag(),
                "--scheduler", scheduler.flag(),
                "--max-batch", Integer.toString(maxBatch),
                "--max-wait-ms", Long.toString(maxWaitMs),
                "--prefill-tokens", Integer.toString(prefillTokens),
                "--max-queue", Integer.toString(maxQueue),
                "--request-timeout-ms", Long.toString(requestTimeoutMs),
                "--max-tokens", Integer.toString(maxTokens),
                "--stop-rule", stopRule.flag(),
                "--threads", Integer.toString(threads)));
        if (modelThreads != null) args.addAll(List.of("--model-threads", Integer.toString(modelThreads)));
        args.addAll(List.of("--model-thread", modelThread.flag()));
        if (historyDb != null) args.addAll(List.of("--history-db", historyDb.toString()));
        if (historyUrl != null) args.addAll(List.of("--history-url", historyUrl));
        if (listenWhenReady) args.add("--listen-when-ready");
        return args;
    }

    /** The constant of {@code type} whose {@link Choice#flag()} is {@code word} (any case). */
    public static <E extends Enum<E> & Choice> E parse(Class<E> type, String word) {
        for (E e : type.getEnumConstants()) if (e.flag().equalsIgnoreCase(word)) return e;
        throw new IllegalArgumentException("expected " + Arrays.stream(type.getEnumConstants()).map(Choice::flag)
                .collect(Collectors.joining(" or ")) + ", got '" + word + "'");
    }
}
