package miniserve.server;

import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP layer over real HTTP, with a stand-in model (the end-to-end tests use the real one). */
class TutorServerTest {

    private final List<TutorServer> servers = new ArrayList<>();

    private TutorServer start(ServeFlags o, StandInBackend backend) throws Exception {
        TutorServer s = TutorServer.start("127.0.0.1", 0, o, () -> backend);
        servers.add(s);
        return s;
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (TutorServer s : servers) s.stop(Duration.ofSeconds(10));
    }

    /** Static batching on one model thread (the stand-in has one worker). */
    private static ServeFlags options(int maxBatch, long maxWaitMs, int maxQueue) {
        return Flags.batched(Scheduler.STATIC, maxBatch, maxWaitMs, maxQueue, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1);
    }

    private static ServeFlags options(Scheduler scheduler, int maxBatch, int maxQueue) {
        return Flags.batched(scheduler, maxBatch, 5, maxQueue, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1);
    }

    private static boolean refused(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** --listen-when-ready: the port is open exactly while the server is ready, so a load balancer tries another replica. */
    @Test
    void listeningWhenReadyRefusesConnectionsWhileLoadingAndFromTheStartOfTheDrain() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        StandInBackend backend = new StandInBackend(1);
        CountDownLatch loading = new CountDownLatch(1);
        CompletableFuture<TutorServer> started = CompletableFuture.supplyAsync(() -> {
            try {
                return TutorServer.start("127.0.0.1", port, Flags.listeningWhenReady(options(4, 0, 16)), () -> {
                    loading.await();
                    return backend;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(refused(port)).as("refused while loading").isTrue();
        loading.countDown();
        TutorServer s = started.get(30, TimeUnit.SECONDS);
        servers.add(s);
        Http http = new Http(port);
        assertThat(http.get("/health").status()).isEqualTo(200);

        backend.gate = new CountDownLatch(1);
        Future<Http.Answer> inFlight = Executors.newVirtualThreadPerTaskExecutor().submit(() -> http.correct("still answered"));
        assertThat(backend.entered.await(30, TimeUnit.SECONDS)).isTrue();
        Thread drain = Thread.ofPlatform().start(() -> {
            try {
                s.stop(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!refused(port) && System.nanoTime() < guard) Thread.sleep(5);
        assertThat(refused(port)).as("refused once draining").isTrue();
        assertThat(inFlight).isNotDone();
        backend.gate.countDown();
        Http.Answer a = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.field("corrected")).isEqualTo("STILL ANSWERED");
        drain.join(30_000);
    }

    @Test
    void aGoodRequestGetsItsCorrection() throws Exception {
        TutorServer s = start(options(8, 1, 16), new StandInBackend(1));
        Http.Answer a = new Http(s.port()).correct("she go home", "learner-7");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(a.field("sentence")).isEqualTo("she go home");
        assertThat(a.field("corrected")).isEqualTo("SHE GO HOME");
        assertThat(a.field("learner_id")).isEqualTo("learner-7");
    }

    record Bad(String name, HttpRequest.BodyPublisher body, int status, String error, String detailHint) {}

    @Test
    void everyBadInputGetsItsStatusAndReasonAndTheServerStillAnswers() throws Exception {
        TutorServer s = start(options(8, 1, 16), new StandInBackend(1));
        Http http = new Http(s.port());
        String tooManyWords = "word ".repeat(StandInBackend.MAX_WORDS + 1);
        List<Bad> bad = List.of(
                new Bad("empty body", HttpRequest.BodyPublishers.noBody(), 400, "empty_body", "empty"),
                new Bad("malformed", text("{\"sentence\": \"unterminated"), 400, "malformed_json", "not valid JSON"),
                new Bad("trailing garbage", text("{\"sentence\": \"a\"} {}"), 400, "malformed_json", "not valid JSON"),
                new Bad("duplicate field", text("{\"sentence\": \"a\", \"sentence\": \"b\"}"), 400, "malformed_json", "sentence"),
                new Bad("not an object", text("[\"She go home.\"]"), 400, "invalid_body", "JSON object"),
                new Bad("bare string", text("\"She go home.\""), 400, "invalid_body", "JSON object"),
                new Bad("missing sentence", text("{\"learner_id\": \"x\"}"), 400, "missing_sentence", "required"),
                new Bad("null sentence", text("{\"sentence\": null}"), 400, "missing_sentence", "required"),
                new Bad("number sentence", text("{\"sentence\": 42}"), 400, "invalid_field", "a number"),
                new Bad("array sentence", text("{\"sentence\": [\"a\"]}"), 400, "invalid_field", "an array"),
                new Bad("blank sentence", text("{\"sentence\": \" \\t\\n \"}"), 400, "blank_sentence", "some text"),
                new Bad("empty sentence", text("{\"sentence\": \"\"}"), 400, "blank_sentence", "some text"),
                new Bad("learner id number", text("{\"sentence\": \"a\", \"learner_id\": 5}"), 400, "invalid_field", "learner_id"),
                new Bad("learner id too long", text("{\"sentence\": \"a\", \"learner_id\": \"" + "x".repeat(200) + "\"}"),
                        400, "invalid_field", "128"),
                new Bad("body over 64 KiB", text("{\"sentence\": \"" + "a".repeat(70_000) + "\"}"), 413, "body_too_large", "64 KiB"),
                new Bad("sentence over the model's limit", text("{\"sentence\": \"" + tooManyWords + "\"}"), 413,
                        "sentence_too_long", "at most " + StandInBackend.MAX_WORDS));
        for (Bad b : bad) {
            Http.Answer a = http.post("/correct", b.body());
            assertThat(a.status()).as(b.name()).isEqualTo(b.status());
            assertThat(a.field("error")).as(b.name()).isEqualTo(b.error());
            assertThat(a.field("detail")).as(b.name()).contains(b.detailHint());
        }
        // A body exactly at the limit is accepted.
        String prefix = "{\"sentence\": \"ok\", \"pad\": \"", suffix = "\"}";
        String atLimit = prefix + "p".repeat(TutorServer.MAX_BODY_BYTES - prefix.length() - suffix.length()) + suffix;
        assertThat(http.post("/correct", text(atLimit)).status()).isEqualTo(200);

        Http.Answer notFound = http.get("/nowhere");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.field("error")).isEqualTo("not_found");

        Http.Answer good = http.correct("still here");
        assertThat(good.status()).isEqualTo(200);
        assertThat(good.field("corrected")).isEqualTo("STILL HERE");
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("miniserve_requests_total{status=\"400\"} 14.0");
        assertThat(metrics).contains("miniserve_requests_total{status=\"413\"} 2.0");
        assertThat(metrics).contains("miniserve_requests_total{status=\"200\"} 2.0");
    }

    private static HttpRequest.BodyPublisher text(String s) {
        return HttpRequest.BodyPublishers.ofString(s);
    }

    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void concurrentRequestsEachGetTheirOwnAnswer(Scheduler scheduler) throws Exception {
        TutorServer s = start(options(scheduler, 8, 256), new StandInBackend(1));
        Http http = new Http(s.port());
        int n = 200;
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                String sentence = "sentence number " + i + " of many", learner = "learner " + i % 7;
                answers.add(clients.submit(() -> http.correct(sentence, learner)));
            }
            for (int i = 0; i < n; i++) {
                Http.Answer a = answers.get(i).get();
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.field("sentence")).isEqualTo("sentence number " + i + " of many");
                assertThat(a.field("corrected")).isEqualTo(("sentence number " + i + " of many").toUpperCase(Locale.ROOT));
                assertThat(a.field("learner_id")).isEqualTo("learner " + i % 7);
            }
        }
        assertThat(http.get("/metrics").body()).contains("miniserve_requests_total{status=\"200\"} 200.0");
    }

    @Test
    void aFullQueueAnswers503AtOnceAndEveryAcceptedRequestIsAnswered() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        backend.gate = new CountDownLatch(1); // the model is stuck on the first batch
        TutorServer s = start(options(1, 0, 4), backend);
        Http http = new Http(s.port());
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                Future<Http.Answer> first = clients.submit(() -> http.correct("first"));
                assertThat(backend.entered.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
                List<Future<Http.Answer>> rest = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String sentence = "request " + i;
                    rest.add(clients.submit(() -> http.correct(sentence)));
                }
                // While the model is still stuck, max_queue (4) requests wait and the other 16 are answered.
                long guard = System.nanoTime() + Http.HANG_GUARD.toNanos();
                while (rest.stream().filter(Future::isDone).count() < 16 && System.nanoTime() < guard) Thread.sleep(5);
                List<Future<Http.Answer>> done = rest.stream().filter(Future::isDone).toList();
                assertThat(done).hasSize(16);
                for (Future<Http.Answer> f : done) {
                    Http.Answer a = f.get();
                    assertThat(a.status()).isEqualTo(503);
                    assertThat(a.field("error")).isEqualTo("queue_full");
                    assertThat(a.raw().headers().firstValue("Retry-After")).hasValue("1");
                }
                assertThat(http.get("/metrics").body()).contains("miniserve_num_requests_waiting 4.0");
                backend.gate.countDown();
                assertThat(first.get().status()).isEqualTo(200);
                for (Future<Http.Answer> f : rest) {
                    if (done.contains(f)) continue;
                    Http.Answer a = f.get();
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.field("corrected")).startsWith("REQUEST ");
                }
            } finally {
                backend.gate.countDown(); // never leave clients hanging on a failed assertion
            }
        }
    }

    @Test
    void aModelExceptionFailsOnlyTheRequestsOfItsBatch() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        TutorServer s = start(options(4, 50, 64), backend);
        Http http = new Http(s.port());
        List<String> sentences = List.of("alpha one", "boom two", "gamma three", "delta four", "epsilon five", "zeta six");
        List<CompletableFuture<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String sentence : sentences)
                answers.add(CompletableFuture.supplyAsync(() -> call(() -> http.correct(sentence)), clients));
            for (int i = 0; i < sentences.size(); i++) {
                String sentence = sentences.get(i);
                Http.Answer a = answers.get(i).get();
                boolean withBoom = backend.batches.stream().anyMatch(b -> b.contains(sentence) && b.contains("boom two"));
                if (withBoom) {
                    assertThat(a.status()).as(sentence).isEqualTo(500);
                    assertThat(a.field("error")).isEqualTo("model_error");
                    // logged on the server; the client gets a sentence, not the exception
                    assertThat(a.field("detail")).doesNotContain("Exception").doesNotContain("stand-in model failure");
                } else {
                    assertThat(a.status()).as(sentence).isEqualTo(200);
                    assertThat(a.field("corrected")).isEqualTo(sentence.toUpperCase(Locale.ROOT));
                }
            }
        }
        assertThat(backend.batches.stream().filter(b -> !b.contains("boom two")).mapToInt(List::size).sum())
                .as("some requests ran in batches without the failing one").isPositive();
        assertThat(http.correct("after the failure").status()).isEqualTo(200);
    }

    @Test
    void healthIs503UntilTheModelIsLoadedThen200() throws Exception {
        TutorServer s = TutorServer.listen("127.0.0.1", 0, options(8, 1, 16));
        servers.add(s);
        Http http = new Http(s.port());
        Http.Answer loading = http.get("/health");
        assertThat(loading.status()).isEqualTo(503);
        assertThat(loading.field("error")).isEqualTo("not_ready");
        assertThat(loading.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(http.correct("too early").status()).isEqualTo(503);
        s.load(() -> new StandInBackend(1));
        Http.Answer ready = http.get("/health");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.field("status")).isEqualTo("ready");
        assertThat(ready.field("handler_thread")).as("handlers run on virtual threads").isEqualTo("virtual");
        assertThat(ready.field("model_thread")).isEqualTo("platform");
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        TutorServer s = start(options(8, 1, 16), new StandInBackend(1));
        Http http = new Http(s.port());
        http.correct("one");
        Http.Answer m = http.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(m.body()).contains("# TYPE miniserve_requests_total counter", "# TYPE miniserve_batch_size histogram",
                "# TYPE miniserve_num_requests_waiting gauge", "# TYPE miniserve_num_requests_running gauge",
                "miniserve_batch_size_bucket{le=\"64.0\"} 1",
                "miniserve_request_queue_time_seconds_count 1", "miniserve_batch_model_seconds_count 1",
                "miniserve_e2e_request_latency_seconds_count 1", "miniserve_time_to_first_token_seconds",
                "miniserve_inter_token_latency_seconds", "miniserve_iteration_tokens", "miniserve_iteration_fill",
                "miniserve_requests_cancelled_total 0.0", "miniserve_requests_timed_out_total 0.0",
                "miniserve_tokens_computed_total", "miniserve_tokens_padding_total", "miniserve_tokens_after_end_total",
                "miniserve_tokens_useful_total");
    }

    @Test
    void stopDrainsQueuedAndRunningRequestsAndRefusesNewOnes() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        backend.gate = new CountDownLatch(1);
        TutorServer s = start(options(2, 0, 64), backend);
        Http http = new Http(s.port());
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
          try {
            List<Future<Http.Answer>> inFlight = new ArrayList<>();
            inFlight.add(clients.submit(() -> http.correct("drain 0")));
            assertThat(backend.entered.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < 6; i++) {
                String sentence = "drain " + i;
                inFlight.add(clients.submit(() -> http.correct(sentence)));
            }
            long guard = System.nanoTime() + Http.HANG_GUARD.toNanos();
            while (!http.get("/metrics").body().contains("miniserve_num_requests_waiting 5.0") && System.nanoTime() < guard) Thread.sleep(5);
            Future<?> stopping = clients.submit(() -> {
                s.stop(Duration.ofSeconds(30));
                return null;
            });
            while (http.get("/health").status() == 200 && System.nanoTime() < guard) Thread.sleep(5);
            Http.Answer late = http.correct("too late");
            assertThat(late.status()).isEqualTo(503);
            assertThat(late.field("error")).isEqualTo("shutting_down");
            backend.gate.countDown();
            for (int i = 0; i < 6; i++) {
                Http.Answer a = inFlight.get(i).get();
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.field("sentence")).isEqualTo("drain " + i);
            }
            stopping.get();
          } finally {
            backend.gate.countDown(); // never leave clients hanging on a failed assertion
          }
        }
    }

    /** In continuous batching a failing row fails its own request only, whoever shares the running batch. */
    @Test
    void aFailingRowFailsOnlyItsRequest() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        TutorServer s = start(options(Scheduler.CONTINUOUS, 8, 64), backend);
        Http http = new Http(s.port());
        List<String> sentences = List.of("alpha one", "boom two", "gamma three four five", "delta four");
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (String sentence : sentences) answers.add(clients.submit(() -> http.correct(sentence)));
            for (int i = 0; i < sentences.size(); i++) {
                Http.Answer a = answers.get(i).get();
                if (sentences.get(i).contains("boom")) {
                    assertThat(a.status()).isEqualTo(500);
                    assertThat(a.field("error")).isEqualTo("model_error");
                } else {
                    assertThat(a.status()).as(sentences.get(i)).isEqualTo(200);
                    assertThat(a.field("corrected")).isEqualTo(sentences.get(i).toUpperCase(Locale.ROOT));
                }
            }
        }
    }

    /** Sends a request on a raw connection; {@code then} runs with the connection still open. */
    private static void rawRequest(int port, String sentence, IoAction then) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            byte[] body = ("{\"sentence\": \"" + sentence + "\"}").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /correct HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            then.run(socket);
        }
    }

    interface IoAction {
        void run(Socket socket) throws Exception;
    }

    /** Waits (at most {@link Http#HANG_GUARD}) until {@code GET /metrics} shows the line. */
    static void awaitMetric(Http http, String line) throws Exception {
        long guard = System.nanoTime() + Http.HANG_GUARD.toNanos();
        while (!http.get("/metrics").body().contains(line)) {
            assertThat(System.nanoTime()).as("waiting for " + line).isLessThan(guard);
            Thread.sleep(5);
        }
    }

    /**
     * A client that closes its connection while its request waits is dropped from the queue (it never
     * reaches the model) and counted as cancelled, not as an answer; one whose request is running
     * is dropped from its row (continuous batching) at the next step.
     */
    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void aClientThatGoesAwayIsDroppedAndCountedApart(Scheduler scheduler) throws Exception {
        StandInBackend backend = new StandInBackend(1);
        backend.gate = new CountDownLatch(1); // the model is stuck on its first batch (or pass)
        TutorServer s = start(options(scheduler, 1, 16), backend);
        Http http = new Http(s.port());
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                Future<Http.Answer> first = clients.submit(() -> http.correct("first one"));
                assertThat(backend.entered.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
                rawRequest(s.port(), "never computed", socket -> awaitMetric(http, "miniserve_num_requests_waiting 1.0"));
                awaitMetric(http, "miniserve_requests_cancelled_total 1.0");
                awaitMetric(http, "miniserve_num_requests_waiting 0.0"); // out of the queue before any model thread took it
                backend.gate.countDown();
                assertThat(first.get().status()).isEqualTo(200);
                assertThat(http.correct("after").status()).isEqualTo(200);
            } finally {
                backend.gate.countDown();
            }
        }
        assertThat(backend.batches.stream().flatMap(List::stream)).doesNotContain("never computed");
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("miniserve_requests_total{status=\"200\"} 2.0").doesNotContain("status=\"500\"");
    }

    /** A client that pipelines its next request on the same connection gets both answers, in order. */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        TutorServer s = start(options(Scheduler.STATIC, 8, 16), backend);
        rawRequest(s.port(), "first", socket -> {
            Thread.sleep(20); // the first request is being handled when the second arrives
            byte[] body = "{\"sentence\": \"second\"}".getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /correct HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.setSoTimeout((int) Http.HANG_GUARD.toMillis());
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all).containsSubsequence("HTTP/1.1 200", "\"corrected\":\"FIRST\"", "HTTP/1.1 200", "\"corrected\":\"SECOND\"");
        });
        assertThat(s.metrics().text()).contains("miniserve_requests_cancelled_total 0.0");
    }

    interface IoCall<T> {
        T call() throws Exception;
    }

    static <T> T call(IoCall<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
