package miniserve.cli;

import miniserve.agent.TutorModel;
import miniserve.model.Generator.StopRule;
import miniserve.server.StaticBatchScheduler.ModelThread;
import miniserve.server.StaticBatchScheduler.Options;
import miniserve.server.TutorBackend;
import miniserve.server.TutorBackend.Mode;
import miniserve.server.TutorServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./miniserve serve}: the grammar tutor over HTTP. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Serves the grammar tutor over HTTP: POST /correct {\"sentence\": \"...\", \"learner_id\": \"...\"}, "
                        + "GET /health, GET /metrics (Prometheus text).",
                "Prints 'listening on http://HOST:PORT' once the model is loaded and warmed up. "
                        + "SIGTERM (or Ctrl-C) drains: new requests get 503, queued and running ones are answered, then it exits."})
public final class ServeCommand implements Callable<Integer> {

    /** How long a drain may take before the server stops anyway. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--weights", paramLabel = "DIR", defaultValue = "weights",
            description = "Tutor weights directory (default: ${DEFAULT-VALUE}).")
    Path weights;

    @Option(names = "--mode", defaultValue = "batched", converter = ModeConverter.class, paramLabel = "batched|unbatched",
            description = "batched: requests wait to form batches, run by --model-threads model threads over --threads compute threads; "
                    + "unbatched: every request alone on one of --threads single-threaded workers, the lab's baseline "
                    + "(--max-batch and --max-wait-ms do not apply). Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--max-batch", defaultValue = "8", description = "Most requests per batch (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "20",
            description = "Longest wait for more requests once a batch has its first (default: ${DEFAULT-VALUE}).")
    long maxWaitMs;

    @Option(names = "--max-queue", defaultValue = "256",
            description = "Most requests waiting; more get 503 at once (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--queue-timeout-ms", defaultValue = "0",
            description = "A request that waited this long without starting gets 503; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long queueTimeoutMs;

    @Option(names = "--max-tokens", defaultValue = "" + CorrectCommand.DEFAULT_MAX_TOKENS,
            description = "Tokens generated per sentence; with the fixed stop rule every row of a batch generates exactly this many "
                    + "(default: ${DEFAULT-VALUE}). A longer answer is refused and the sentence returned unchanged.")
    int maxTokens;

    @Option(names = "--stop-rule", defaultValue = "fixed", converter = StopRuleConverter.class, paramLabel = "fixed|all-ended",
            description = "fixed: every row generates --max-tokens (the lab's rule); all-ended: a batch stops once every row "
                    + "has ended. Default: ${DEFAULT-VALUE}.")
    StopRule stopRule;

    @Option(names = "--threads", description = "batched: compute threads splitting each batch's matmuls; unbatched: worker "
            + "threads, one request each (default: the number of cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--model-threads", paramLabel = "N",
            description = "batched: batches in flight at once, each on its own model thread, the --threads compute threads "
                    + "shared out among them: 1 = one batch split across every core, --threads = one single-threaded batch "
                    + "per core (default: --threads).")
    Integer modelThreads;

    @Option(names = "--model-thread", defaultValue = "platform", converter = ModelThreadConverter.class,
            paramLabel = "platform|virtual",
            description = "Thread a batch runs on (batched mode). 'virtual' is a DEMONSTRATION OF A TRAP, not for use: a CPU-bound forward "
                    + "pass on a virtual thread holds one of the few carrier threads and starves the HTTP handlers. "
                    + "Default: ${DEFAULT-VALUE}.")
    ModelThread modelThread;

    @Override
    public Integer call() throws Exception {
        quietServerLogs();
        if (mode == Mode.UNBATCHED && modelThread == ModelThread.VIRTUAL)
            throw new IllegalArgumentException("--model-thread virtual demonstrates the trap in batched mode; "
                    + "the unbatched baseline always computes on platform threads");
        Options options = mode == Mode.BATCHED
                ? new Options(maxBatch, maxWaitMs, maxQueue, queueTimeoutMs, modelThread)
                : new Options(1, 0, maxQueue, queueTimeoutMs, ModelThread.PLATFORM);
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        int batchThreads = modelThreads != null ? modelThreads : threads;
        if (batchThreads < 1 || batchThreads > threads)
            throw new IllegalArgumentException("--model-threads must be between 1 and --threads (" + threads + "), got " + batchThreads);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (modelThread == ModelThread.VIRTUAL)
            err.println("warning: --model-thread virtual runs the model on a virtual thread, a demonstration of the trap; "
                    + "expect slow handlers under load");
        err.printf(Locale.ROOT, "loading %s (%s, max batch %d, max wait %d ms, max tokens %d, stop rule %s, %d threads%s) ...%n",
                weights, mode.name().toLowerCase(Locale.ROOT), options.maxBatch(), options.maxWaitMs(), maxTokens,
                stopRule.name().toLowerCase(Locale.ROOT), threads,
                mode == Mode.BATCHED ? ", " + batchThreads + " model threads" : "");
        err.flush();
        TutorServer server = TutorServer.start(host, port, options,
                () -> new TutorBackend(TutorModel.load(weights), mode, maxBatch, maxTokens, stopRule, threads, batchThreads));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("drain").unstarted(() -> {
            err.println("draining: answering queued and running requests, refusing new ones ...");
            err.flush();
            try {
                server.stop(DRAIN_LIMIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.println("stopped");
            err.flush();
        }));
        out.println("listening on http://" + host + ":" + server.port());
        out.flush();
        server.awaitStopped();
        return 0;
    }

    /** Jetty and Javalin announce themselves at INFO; the one line above says what matters. */
    static void quietServerLogs() {
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }

    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "batched" -> Mode.BATCHED;
                case "unbatched" -> Mode.UNBATCHED;
                default -> throw new IllegalArgumentException("expected batched or unbatched, got '" + value + "'");
            };
        }
    }

    static final class StopRuleConverter implements ITypeConverter<StopRule> {
        @Override
        public StopRule convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "fixed" -> StopRule.FIXED;
                case "all-ended" -> StopRule.ALL_ENDED;
                default -> throw new IllegalArgumentException("expected fixed or all-ended, got '" + value + "'");
            };
        }
    }

    static final class ModelThreadConverter implements ITypeConverter<ModelThread> {
        @Override
        public ModelThread convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "platform" -> ModelThread.PLATFORM;
                case "virtual" -> ModelThread.VIRTUAL;
                default -> throw new IllegalArgumentException("expected platform or virtual, got '" + value + "'");
            };
        }
    }
}
