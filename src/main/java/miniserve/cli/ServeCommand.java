package miniserve.cli;

import miniserve.agent.TutorModel;
import miniserve.history.HistoryDatabase;
import miniserve.history.HistoryWriter;
import miniserve.server.LearnerHistory;
import miniserve.server.TutorBackend;
import miniserve.server.TutorServer;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Mode;
import miniserve.serving.ServeFlags.ModelThread;
import miniserve.serving.ServeFlags.Scheduler;
import miniserve.serving.ServeFlags.StopRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code ./miniserve serve}: the grammar tutor over HTTP. */
@Command(name = ServeFlags.COMMAND, mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Serves the grammar tutor over HTTP: POST /correct {\"sentence\": \"...\", \"learner_id\": \"...\"} "
                        + "or {\"text\": \"...\", ...} (up to " + TutorServer.MAX_TEXT_CHARS + " characters, corrected sentence by sentence), POST /correct/stream "
                        + "(the same, as server-sent events), GET / (the learner's page), GET /health, GET /metrics (Prometheus text), "
                        + "GET /trace (the recent forward passes).",
                "Prints 'listening on http://HOST:PORT' once the model is loaded and warmed up. "
                        + "SIGTERM (or Ctrl-C) drains: new requests get 503, queued and running ones are answered, then it exits."})
public final class ServeCommand implements Callable<Integer> {

    /** How long a drain may take before the server stops anyway. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "" + ServeFlags.DEFAULT_PORT,
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = ServeFlags.DEFAULT_HOST, description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--weights", paramLabel = "DIR", defaultValue = ServeFlags.DEFAULT_WEIGHTS,
            description = "Tutor weights directory (default: ${DEFAULT-VALUE}).")
    Path weights;

    @Option(names = "--mode", defaultValue = "batched", converter = ModeConverter.class, paramLabel = "batched|unbatched",
            description = "batched: requests are batched by the --scheduler, run by --model-threads model threads over --threads "
                    + "compute threads; unbatched: every request alone on one of --threads single-threaded workers, the lab's baseline "
                    + "(--scheduler, --max-batch, --max-wait-ms and --prefill-tokens do not apply). Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--scheduler", defaultValue = "static", converter = SchedulerConverter.class, paramLabel = "static|continuous",
            description = "static: requests wait to form a batch (--max-batch, --max-wait-ms) that runs until its --stop-rule; "
                    + "continuous: each model thread keeps a running batch of --max-batch rows that requests join and leave at every "
                    + "step, each row stopping at its own end. Default: ${DEFAULT-VALUE}.")
    Scheduler scheduler;

    @Option(names = "--max-batch", defaultValue = "" + ServeFlags.DEFAULT_MAX_BATCH,
            description = "Most requests per static batch, or rows of each running batch (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "" + ServeFlags.DEFAULT_MAX_WAIT_MS,
            description = "Static batching: longest wait for more requests once a batch has its first (default: ${DEFAULT-VALUE}).")
    long maxWaitMs;

    @Option(names = "--prefill-tokens", defaultValue = "" + ServeFlags.DEFAULT_PREFILL_TOKENS,
            description = "Continuous batching: most prompt tokens prefilled in one step, beside the running rows' decoding "
                    + "(a longer prompt runs as the only prompt of its step). Default: ${DEFAULT-VALUE}.")
    int prefillTokens;

    @Option(names = "--max-queue", defaultValue = "" + ServeFlags.DEFAULT_MAX_QUEUE,
            description = "Most requests waiting; more get 503 at once (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--request-timeout-ms", defaultValue = "" + ServeFlags.DEFAULT_REQUEST_TIMEOUT_MS,
            description = "A request not answered within this gets 503 request_timeout, whether it still waits or is being computed "
                    + "(then it is dropped at the next step); 0 = no limit (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Option(names = "--max-tokens", defaultValue = "" + ServeFlags.DEFAULT_MAX_TOKENS,
            description = "Most tokens generated per sentence; with the fixed stop rule every row of a static batch generates exactly "
                    + "this many (default: ${DEFAULT-VALUE}). A longer answer is refused and the sentence returned unchanged.")
    int maxTokens;

    @Option(names = "--stop-rule", defaultValue = "fixed", converter = StopRuleConverter.class, paramLabel = "fixed|all-ended",
            description = "Static batching: fixed: every row generates --max-tokens (lab 02's rule); all-ended: a batch stops once "
                    + "every row has ended. Default: ${DEFAULT-VALUE}.")
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

    @Option(names = "--history-db", paramLabel = "FILE",
            description = "SQLite file of the learners' error history, created if missing "
                    + "(default: history.db in $XDG_DATA_HOME/miniserve, else in ~/.local/share/miniserve).")
    Path historyDb;

    @Option(names = "--history-url", paramLabel = "JDBC_URL",
            description = "Keep the learners' history in PostgreSQL instead, shared by several replicas: "
                    + "jdbc:postgresql://HOST:PORT/DATABASE?user=NAME (the password, if any, from $"
                    + HistoryDatabase.PASSWORD_ENV + ").")
    String historyUrl;

    @Option(names = "--listen-when-ready",
            description = "Open the port only once the model is loaded and warmed up, and close it first when draining: "
                    + "connections are refused rather than answered 503 meanwhile, so that a load balancer without "
                    + "active health checks (open-source nginx) sends them to another replica.")
    boolean listenWhenReady;

    /** The parsed command line. */
    ServeFlags flags() {
        return new ServeFlags(host, port, weights, mode, scheduler, maxBatch, maxWaitMs, prefillTokens, maxQueue, requestTimeoutMs,
                maxTokens, stopRule, threads, modelThreads, modelThread, historyDb, historyUrl, listenWhenReady);
    }

    @Override
    public Integer call() throws Exception {
        quietServerLogs();
        ServeFlags f = flags();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (f.modelThread() == ModelThread.VIRTUAL)
            err.println("warning: --model-thread virtual runs the model on a virtual thread, a demonstration of the trap; "
                    + "expect slow handlers under load");
        // Before the model loads, so that a busy port or a database that cannot be opened is reported at once.
        checkPortFree(f.host(), f.port());
        HistoryDatabase db = f.historyUrl() != null ? HistoryDatabase.open(f.historyUrl())
                : HistoryDatabase.openSqlite(f.historyDb() != null ? f.historyDb() : HistoryDatabase.defaultFile());
        err.println("learner history in " + db.where());
        LearnerHistory history = new LearnerHistory(new HistoryWriter(db));
        err.printf(Locale.ROOT, "loading %s (%s) ...%n", f.weights(), f.describe());
        err.flush();
        TutorServer server;
        try {
            server = TutorServer.start(f.host(), f.port(), f, () -> new TutorBackend(TutorModel.load(f.weights()), f, history));
        } catch (Exception | Error e) {
            history.close();
            throw e;
        }
        AtomicBoolean drainedCleanly = new AtomicBoolean();
        Thread drain = Thread.ofPlatform().name("drain").unstarted(() -> {
            err.println("draining: answering queued and running requests, refusing new ones ...");
            err.flush();
            try {
                drainedCleanly.set(server.stop(DRAIN_LIMIT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicBoolean draining = new AtomicBoolean();
        Runnable startDrain = () -> {
            if (draining.compareAndSet(false, true)) drain.start();
        };
        // SIGTERM and Ctrl-C drain, then this returns and the process exits 0; any other way the JVM
        // shuts down (SIGHUP, or a JVM run with -Xrs) still drains, in a shutdown hook.
        Signals.onStop(startDrain);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            startDrain.run();
            joinQuietly(drain);
        }));
        out.println("listening on http://" + f.host() + ":" + server.port());
        out.flush();
        server.awaitStopped();
        if (draining.get()) joinQuietly(drain);
        boolean clean = !draining.get() || drainedCleanly.get();
        err.println(clean ? "stopped" : "stopped before every request was answered (drain limit " + DRAIN_LIMIT.toSeconds() + " s)");
        err.flush();
        return clean ? 0 : 1;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Fails at once when {@code host:port} cannot be listened on (taken by another server, or not an
     * address of this machine), rather than after the model has loaded. Port 0 is always free.
     */
    static void checkPortFree(String host, int port) {
        if (port == 0) return;
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty binds: a port left in TIME_WAIT by a previous server is free
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).contains("in use"))
                throw new IllegalArgumentException("port " + port + " on " + host
                        + " is already in use (another server?); stop that one or choose another with --port");
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** Jetty and Javalin announce themselves at INFO; the one line above says what matters. */
    static void quietServerLogs() {
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn"); // Flyway, too: "learner history in" says it
    }

    /** picocli prints a TypeConversionException's message as it is, without the exception's class. */
    private static <E extends Enum<E> & ServeFlags.Choice> E choice(Class<E> type, String value) {
        try {
            return ServeFlags.parse(type, value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return choice(Mode.class, value);
        }
    }

    static final class SchedulerConverter implements ITypeConverter<Scheduler> {
        @Override
        public Scheduler convert(String value) {
            return choice(Scheduler.class, value);
        }
    }

    static final class StopRuleConverter implements ITypeConverter<StopRule> {
        @Override
        public StopRule convert(String value) {
            return choice(StopRule.class, value);
        }
    }

    static final class ModelThreadConverter implements ITypeConverter<ModelThread> {
        @Override
        public ModelThread convert(String value) {
            return choice(ModelThread.class, value);
        }
    }
}
