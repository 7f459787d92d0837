package miniserve.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.staticfiles.Location;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.Graceful;
import miniserve.model.Step;
import miniserve.serving.ServeFlags;
import miniserve.server.SchedulerRejection.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP app: the learner's page at {@code /}, {@code POST /correct}, {@code GET /health}, {@code GET /metrics}, {@code GET /trace}.
 *
 * <p>Handlers run on virtual threads and only parse, check, enqueue and wait; the model runs on
 * platform threads: a batching scheduler's ({@link StaticBatchScheduler}, {@link ContinuousBatchScheduler}),
 * or in the baseline an executor's ({@link UnbatchedExecutor}), as {@link RequestQueues#start} picks.
 * A request whose client closes the connection while it waits is cancelled ({@link ConnectionWatch}):
 * the model threads drop it. Every error is a JSON body {@code {"error": code, "detail": sentence}} with
 * its status, and touches no other request.
 */
public final class TutorServer implements AutoCloseable {

    /** Largest accepted body of {@code POST /correct}. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Longest accepted {@code "text"}, in UTF-16 units (what JavaScript's {@code length} counts). */
    public static final int MAX_TEXT_CHARS = 4000;
    /** What a client should wait before trying again after a 503. */
    static final String RETRY_AFTER_SECONDS = "1";
    // Bytes of an oversized body read (and dropped) before answering 413, so that the client,
    // still sending, reads the answer instead of a reset connection.
    private static final int MAX_BODY_DRAIN_BYTES = 16 * 1024 * 1024;

    /** Connections the OS may hold for the server before it accepts them. */
    private static final int ACCEPT_QUEUE = 1024;

    private static final Logger log = LoggerFactory.getLogger(TutorServer.class);

    /** Loads the model; runs after HTTP is up, so {@code /health} answers 503 meanwhile. */
    @FunctionalInterface
    public interface BackendLoader {
        ModelBackend load() throws Exception;
    }

    private enum State { LOADING, READY, DRAINING, STOPPED }

    private final ObjectMapper json = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final ServerMetrics metrics = new ServerMetrics();
    private final ServeFlags config;
    private final long epochNanos = System.nanoTime(); // time 0 of /trace
    private final Javalin app;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Server> jetty = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile State state = State.LOADING;
    private volatile boolean drained; // what the first stop() returned
    private volatile ModelBackend backend;
    private volatile RequestQueue<CorrectionRequest, Object> queue;

    private TutorServer(ServeFlags config) {
        this.config = config;
        this.app = Javalin.create(javalin -> {
            javalin.concurrency.useVirtualThreads = true;
            javalin.startup.showJavalinBanner = false;
            javalin.startup.startupWatcherEnabled = false;
            // The learner's page (index.html, app.js, style.css), served from the jar at /.
            javalin.staticFiles.add("/miniserve/web", Location.CLASSPATH);
            // The JDK's default listen backlog (50) resets connections when a burst of clients
            // (the lab's 50, a test's 200) connect at once; set it after Javalin adds its connector.
            javalin.jetty.modifyServer(server -> {
                jetty.set(server);
                server.setErrorHandler(new JettyErrorHandler(json)); // Jetty's own errors as JSON too
            });
            javalin.events.serverStarting(() -> {
                for (Connector c : jetty.get().getConnectors())
                    if (c instanceof ServerConnector sc) sc.setAcceptQueueSize(ACCEPT_QUEUE);
            });
            javalin.routes.post("/correct", this::correct);
            javalin.routes.post("/correct/stream", this::correctStream);
            javalin.routes.get("/health", this::health);
            javalin.routes.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.text()));
            javalin.routes.get("/trace", this::trace);
            javalin.routes.error(404, ctx -> writeError(ctx, new ApiError(404, "not_found",
                    ctx.method() + " " + ctx.path() + " does not exist; the routes are GET / (the page), POST /correct, POST /correct/stream, GET /health, GET /metrics, GET /trace")));
            // A route's path with another method: 405 and the methods it takes, rather than 404.
            javalin.http.prefer405over404 = true;
            javalin.routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
                String allowed = String.join(", ", e.getDetails().values());
                ctx.header("Allow", allowed);
                writeError(ctx, new ApiError(405, "method_not_allowed", ctx.method() + " " + ctx.path() + " is not a route; "
                        + ctx.path() + " takes " + allowed));
            });
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected error in {} {}", ctx.method(), ctx.path(), e);
                writeError(ctx, internalError());
            });
        });
    }

    /**
     * Starts HTTP on {@code host:port} (0 = any free port), loads the model, and returns once
     * the server is ready. If loading fails, HTTP is stopped and the loader's exception thrown.
     *
     * <p>With {@link ServeFlags#listenWhenReady()} the model loads first and the port opens only
     * once the server is ready, and closes first when it drains: connections are refused, rather
     * than answered 503, meanwhile. A load balancer without active health checks (open-source nginx)
     * takes a refused connection as a reason to try another replica, which it cannot safely do after
     * a 503 to a POST.
     */
    public static TutorServer start(String host, int port, ServeFlags config, BackendLoader loader) throws Exception {
        if (!config.listenWhenReady()) {
            TutorServer server = listen(host, port, config);
            server.load(loader);
            return server;
        }
        TutorServer server = new TutorServer(config);
        server.load(loader);
        try {
            server.app.start(host, port);
        } catch (RuntimeException e) {
            server.stop(Duration.ZERO);
            throw e;
        }
        return server;
    }

    /** Starts HTTP only: until {@link #load} finishes, /health and /correct answer 503. */
    public static TutorServer listen(String host, int port, ServeFlags config) {
        TutorServer server = new TutorServer(config);
        server.app.start(host, port);
        return server;
    }

    /** Loads the model and starts its request queue; the server is ready when this returns. */
    public void load(BackendLoader loader) throws Exception {
        try {
            ModelBackend loaded = loader.load();
            backend = loaded;
            queue = RequestQueues.start(config, loaded, metrics);
            synchronized (this) {
                if (state == State.LOADING) {
                    state = State.READY;
                    return;
                }
            }
            // Stopped while loading: nothing was accepted, nothing to drain.
            queue.close();
            loaded.close();
        } catch (Exception | Error e) {
            stop(Duration.ZERO);
            throw e;
        }
    }

    public int port() {
        return app.port();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * Drains and stops: refuses new requests (503), finishes every queued and running batch,
     * lets their handlers answer, then stops HTTP: no new connections, each open one closed once
     * its exchange is over ({@link #closeConnections}). Safe to call more than once and from a
     * shutdown hook; later calls wait for the first to finish.
     *
     * @return whether every accepted request was answered within {@code drainLimit}
     */
    public boolean stop(Duration drainLimit) throws InterruptedException {
        synchronized (this) {
            if (state == State.DRAINING || state == State.STOPPED) {
                stopped.await();
                return drained;
            }
            state = State.DRAINING;
        }
        boolean answered = false;
        try {
            long deadline = System.nanoTime() + drainLimit.toNanos();
            if (config.listenWhenReady()) closeListeners();
            RequestQueue<CorrectionRequest, Object> s = queue;
            answered = true;
            if (s != null) {
                s.shutdown();
                if (!s.awaitTermination(drainLimit)) {
                    log.warn("queued requests still running after {}", drainLimit);
                    answered = false;
                }
            }
            // The futures are complete; give their handlers the moment they need to send the answers.
            while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
            answered &= inFlight.get() == 0;
            closeConnections(deadline);
            app.stop();
            ModelBackend b = backend;
            if (b != null) b.close();
            return answered;
        } finally {
            drained = answered;
            state = State.STOPPED;
            stopped.countDown();
        }
    }

    /**
     * Jetty's graceful shutdown, before it stops: accepts no more connections, lets each open one finish the
     * request it is in (the answer says {@code Connection: close}) and closes it once it is idle (at once, or
     * after Jetty's shutdown idle timeout of 1 s for a kept-alive one), until none is left or the deadline
     * passes. A request that comes meanwhile on an open connection reaches its route and is answered 503
     * {@code shutting_down}. Stopping Jetty without this closes every connection at once: a request Jetty has
     * read but not yet handed to its route then gets no answer, or a 500 from Jetty as its connection goes.
     * Those still open at the deadline are closed when Jetty stops.
     */
    private void closeConnections(long deadline) throws InterruptedException {
        Server server = jetty.get();
        long left = deadline - System.nanoTime();
        if (server == null || left <= 0) return;
        try {
            Graceful.shutdown(server).get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("HTTP connections still open at the drain limit are closed now");
        } catch (ExecutionException e) {
            log.warn("closing the HTTP connections gracefully failed; they are closed now", e.getCause());
        }
    }

    /** Stops accepting connections; those already open are still answered. */
    private void closeListeners() {
        Server server = jetty.get();
        if (server == null) return;
        for (Connector c : server.getConnectors())
            if (c instanceof ServerConnector sc) sc.close();
    }

    /** {@link #stop} with a minute for the drain. */
    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until {@link #stop} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void correct(Context ctx) throws IOException {
        inFlight.incrementAndGet();
        Reply reply = null;
        boolean sent = false;
        try {
            try {
                reply = answer(ctx);
                writeJson(ctx, 200, reply.body());
            } catch (ApiError e) {
                writeError(ctx, e);
            } catch (ClientGone e) {
                return; // nobody to answer; counted as cancelled, not as an answer
            }
            metrics.requestAnswered(ctx.statusCode());
            sendNow(ctx);
            sent = true;
        } finally {
            if (reply != null && !sent) reply.notSent().run(); // no answer: the request counts for nothing
            inFlight.decrementAndGet();
        }
    }

    /** The client closed its connection before its answer was ready. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("the client closed the connection", null, false, false);
        }
    }

    /**
     * Writes the response before the handler returns, so that once no handler is in flight
     * every answer has left and {@link #stop} can close the connections.
     */
    private static void sendNow(Context ctx) throws IOException {
        byte[] body = ctx.resultInputStream() == null ? new byte[0] : ctx.resultInputStream().readAllBytes();
        ctx.result(new byte[0]);
        HttpServletResponse res = ctx.res();
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
        res.flushBuffer();
    }

    private Reply answer(Context ctx) {
        RequestBody body = RequestBody.parse(readBody(ctx), json, MAX_TEXT_CHARS);
        TextRows rows = submit(body);
        // a client that goes away cancels its request: the model threads drop its rows from the queue or the batch
        ConnectionWatch watch = ConnectionWatch.start(ctx.req(), () -> cancelled(rows));
        try {
            while (!rows.allHandedOut()) rows.next(); // a virtual thread: waiting here costs no carrier thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rows.cancel();
            throw new ApiError(503, "shutting_down", "the server is shutting down");
        } catch (CancellationException e) {
            throw new ClientGone();
        } catch (ExecutionException e) {
            rows.cancel(); // one row failed: the request fails, its other rows are not needed
            throw toApiError(e.getCause());
        } finally {
            watch.stop(); // before the answer is written
        }
        return backend.reply(body.learnerId(), rows.answer());
    }

    /** The request's rows, checked and queued: 413 for what is too long, 503 if the queue refuses them. */
    private TextRows submit(RequestBody body) {
        RequestQueue<CorrectionRequest, Object> s = queue;
        ModelBackend b = backend;
        if (state == State.LOADING || s == null || b == null) throw notReady();
        TextRows rows = TextRows.plan(body, b, config.maxQueue());
        try {
            rows.submit(s);
        } catch (SchedulerRejection e) {
            throw toApiError(e);
        }
        return rows;
    }

    /** The client went away: its rows still queued or running are dropped, and counted. */
    private void cancelled(TextRows rows) {
        for (int n = rows.cancel(); n > 0; n--) metrics.requestCancelled();
    }

    /**
     * {@code POST /correct/stream}: the same body, checks and answer as {@code POST /correct}, as server-sent
     * events: a {@code sentence} event for each piece of the text as soon as its row finishes, then
     * {@code done} with the whole answer; a failure after the first byte is an {@code error} event. Errors
     * found before (bad body, too long, queue full, not ready) are ordinary JSON answers with their status.
     */
    private void correctStream(Context ctx) throws IOException {
        inFlight.incrementAndGet();
        try {
            RequestBody body;
            TextRows rows;
            try {
                body = RequestBody.parse(readBody(ctx), json, MAX_TEXT_CHARS);
                rows = submit(body);
            } catch (ApiError e) {
                writeError(ctx, e);
                metrics.requestAnswered(e.status());
                sendNow(ctx);
                return;
            }
            stream(ctx, body, rows);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void stream(Context ctx, RequestBody body, TextRows rows) {
        ConnectionWatch watch = ConnectionWatch.start(ctx.req(), () -> cancelled(rows));
        Reply reply = null;
        boolean sent = false;
        try {
            EventStream events = EventStream.open(ctx.res());
            try {
                while (!rows.allHandedOut()) {
                    int i = rows.next();
                    events.send("sentence", json.writeValueAsBytes(rows.sentence(i)));
                }
                watch.stop(); // before the end of the answer: the connection reads the next request itself then
                reply = backend.reply(body.learnerId(), rows.answer());
                events.send("done", json.writeValueAsBytes(reply.body()));
                metrics.requestAnswered(200);
                sent = true;
            } catch (ExecutionException | RuntimeException e) {
                if (e instanceof CancellationException c) throw c;
                rows.cancel(); // one row failed: the request fails, its other rows are not needed
                ApiError error;
                if (e instanceof ExecutionException failed) error = toApiError(failed.getCause());
                else {
                    log.error("unexpected error in a stream", e);
                    error = internalError();
                }
                events.send("error", json.writeValueAsBytes(errorBody(error)));
                metrics.requestAnswered(error.status());
            }
        } catch (CancellationException e) {
            // the client went away while its rows ran: they are cancelled and counted, nobody to answer
        } catch (IOException e) {
            cancelled(rows); // the client went away while an event was written
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rows.cancel();
        } finally {
            watch.stop();
            if (reply != null && !sent) reply.notSent().run(); // no answer: the request counts for nothing
        }
    }

    private static ApiError toApiError(Throwable cause) {
        if (cause instanceof SchedulerRejection r) {
            String code = switch (r.reason()) {
                case QUEUE_FULL -> "queue_full";
                case TIMED_OUT -> "request_timeout";
                case SHUTTING_DOWN -> "shutting_down";
            };
            return new ApiError(503, code, r.getMessage() + (r.reason() == Reason.SHUTTING_DOWN ? "" : "; try again shortly"));
        }
        log.error("the model failed on a batch", cause);
        return new ApiError(500, "model_error", "the model failed on this request's batch; the error is in the server's log");
    }

    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = declared > MAX_BODY_BYTES ? null : in.readNBytes(MAX_BODY_BYTES + 1);
            if (body != null && body.length <= MAX_BODY_BYTES) return body;
            if (declared <= MAX_BODY_DRAIN_BYTES) {
                byte[] sink = new byte[8192];
                long read = 0;
                for (int n; read < MAX_BODY_DRAIN_BYTES && (n = in.read(sink)) > 0; ) read += n;
            }
            throw new ApiError(413, "body_too_large", "the body is over the limit of " + MAX_BODY_BYTES + " bytes (64 KiB)");
        } catch (IOException e) {
            throw new ApiError(400, "unreadable_body",
                    "the body could not be read: it ended before its Content-Length, or its chunked encoding is broken");
        }
    }

    private void health(Context ctx) {
        State st = state;
        if (st != State.READY) {
            writeError(ctx, st == State.LOADING ? notReady()
                    : new ApiError(503, "shutting_down", "the server is shutting down"));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ready");
        body.put("mode", config.mode().flag());
        body.put("scheduler", config.mode() == ServeFlags.Mode.UNBATCHED ? null : config.scheduler().flag());
        body.put("workers", config.workers());
        body.put("max_batch", config.rowsPerWorker());
        body.put("max_wait_ms", config.mode() == ServeFlags.Mode.UNBATCHED || config.continuous() ? null : config.maxWaitMs());
        body.put("prefill_tokens", config.continuous() ? config.prefillTokens() : null);
        body.put("max_queue", config.maxQueue());
        body.put("request_timeout_ms", config.requestTimeoutMs());
        body.put("max_tokens", config.maxTokens());
        body.put("stop_rule", config.continuous() ? "each-row" : config.stopRule().flag());
        body.put("model_thread", config.modelThread().flag());
        body.put("handler_thread", Thread.currentThread().isVirtual() ? "virtual" : "platform");
        body.put("queue_depth", queue.queueDepth());
        writeJson(ctx, 200, body);
    }

    /**
     * {@code GET /trace}: the recent forward passes of every model thread ({@link StepTrace}), times in ms
     * since the server started; {@code now_ms} is the time of this answer. Each pass gives one letter per
     * row: {@code P} a prompt (with {@code padding} of its {@code tokens} left padding), {@code D} a needed
     * token, {@code A} a token after the row's end, {@code .} nothing.
     */
    private void trace(Context ctx) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepTrace.Entry e : metrics.trace().snapshot()) {
            Step st = e.step();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("worker", e.worker());
            m.put("start_ms", millis(st.startNanos()));
            m.put("end_ms", millis(st.endNanos()));
            StringBuilder kinds = new StringBuilder();
            for (byte k : st.kinds()) kinds.append(".PDA".charAt(k));
            m.put("rows", kinds.toString());
            m.put("tokens", st.tokens());
            m.put("padding", st.padding());
            steps.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now_ms", millis(System.nanoTime()));
        body.put("steps", steps);
        writeJson(ctx, 200, body);
    }

    private double millis(long nanos) {
        return Math.round((nanos - epochNanos) / 1e3) / 1e3;
    }

    /** The answer to an unexpected failure: logged with its stack trace, told to the client as a plain sentence. */
    static ApiError internalError() {
        return new ApiError(500, "internal_error", "the server failed to answer this request; the error is in its log");
    }

    private static ApiError notReady() {
        return new ApiError(503, "not_ready", "the model is still loading; try again shortly");
    }

    private void writeError(Context ctx, ApiError e) {
        if (e.status() == 503) ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        writeJson(ctx, e.status(), errorBody(e));
    }

    /** The documented error body: {@code {"error": code, "detail": sentence}}. */
    static Map<String, String> errorBody(ApiError e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("detail", e.detail());
        return body;
    }

    private void writeJson(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
