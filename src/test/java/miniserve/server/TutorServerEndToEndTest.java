package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import miniserve.agent.TinyTutorCheckpoint;
import miniserve.agent.TutorModel;
import miniserve.model.Step;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The server over real HTTP with the real agent and model (a tiny random-weights checkpoint). */
class TutorServerEndToEndTest {

    private static final int MAX_TOKENS = 16;

    @TempDir
    static Path weights;
    static TutorModel model;

    private final List<TutorServer> servers = new ArrayList<>();

    @BeforeAll
    static void writeWeights() throws IOException {
        TinyTutorCheckpoint.write(weights, 11);
        model = TutorModel.load(weights);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (TutorServer s : servers) s.stop(Duration.ofSeconds(30));
    }

    /** The three executors the server can run. */
    enum Kind { STATIC, CONTINUOUS, UNBATCHED }

    /** On 2 compute threads: batched with {@code modelThreads} model threads, unbatched with 2 workers. */
    private static ServeFlags config(Kind kind, int maxBatch, long maxWaitMs, int maxQueue, int modelThreads) {
        return switch (kind) {
            case STATIC -> Flags.batched(Scheduler.STATIC, maxBatch, maxWaitMs, maxQueue, MAX_TOKENS, 2, modelThreads);
            case CONTINUOUS -> Flags.batched(Scheduler.CONTINUOUS, maxBatch, maxWaitMs, maxQueue, MAX_TOKENS, 2, modelThreads);
            case UNBATCHED -> Flags.unbatched(maxQueue, MAX_TOKENS, 2);
        };
    }

    private TutorServer start(ServeFlags config, TutorServer.BackendLoader loader) throws Exception {
        TutorServer s = TutorServer.start("127.0.0.1", 0, config, loader);
        servers.add(s);
        return s;
    }

    private TutorServer start(Kind kind, int maxBatch, long maxWaitMs, int maxQueue) throws Exception {
        ServeFlags config = config(kind, maxBatch, maxWaitMs, maxQueue, 1);
        return start(config, () -> new TutorBackend(model, config));
    }

    /** 200 distinct sentences: varied lengths, so batches mix prompt lengths and padding. */
    private static List<String> sentences(int n) {
        String[] words = {"she", "go", "to", "school", "yesterday", "with", "her", "friend", "and", "they", "was", "happy"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder("Learner ").append(i);
            for (int w = 0; w < 1 + i % 7; w++) sb.append(' ').append(words[(i * 5 + w * 3) % words.length]);
            out.add(sb.append('.').toString());
        }
        return out;
    }

    /**
     * Static and continuous batching with one model thread (matmuls split over 2) and with one batch per
     * core, and unbatched on 2 workers: each answer is the one the sentence gets alone, whoever it shared
     * a batch (or the running batch) with.
     */
    @ParameterizedTest
    @CsvSource({"STATIC, 1", "STATIC, 2", "CONTINUOUS, 1", "CONTINUOUS, 2", "UNBATCHED, 1"})
    void concurrentRequestsEachGetTheAnswerForTheirOwnSentence(Kind kind, int modelThreads) throws Exception {
        ServeFlags config = config(kind, 8, 10, 256, modelThreads);
        TutorServer s = start(config, () -> new TutorBackend(model, config));
        Http http = new Http(s.port());
        JsonNode health = http.get("/health").json();
        assertThat(health.get("workers").asInt()).isEqualTo(kind == Kind.UNBATCHED ? 2 : modelThreads);
        assertThat(health.get("mode").asText()).isEqualTo(kind == Kind.UNBATCHED ? "unbatched" : "batched");
        assertThat(health.get("scheduler").asText()).isEqualTo(kind == Kind.UNBATCHED ? "null" : kind.name().toLowerCase());
        List<String> sentences = sentences(200);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < sentences.size(); i++) {
                String sentence = sentences.get(i), learner = "learner-" + i;
                answers.add(clients.submit(() -> http.correct(sentence, learner)));
            }
            for (int i = 0; i < sentences.size(); i++) {
                Http.Answer a = answers.get(i).get();
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.field("sentence")).isEqualTo(sentences.get(i));
                assertThat(a.field("learner_id")).isEqualTo("learner-" + i);
                assertThat(a.field("status")).isIn("corrected", "no_errors", "unchanged");
            }
        }
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("miniserve_requests_total{status=\"200\"} 200.0");
        if (kind == Kind.UNBATCHED)
            assertThat(metrics).contains("miniserve_batch_size_bucket{le=\"1.0\"} 200");
        else
            assertThat(metrics).as("under this load some batches (passes) hold more than one request")
                    .doesNotContain("miniserve_batch_size_bucket{le=\"1.0\"} " + batchCount(metrics));
        if (kind == Kind.CONTINUOUS)
            assertThat(metrics).as("no padding and no token after a row's end in a running batch")
                    .contains("miniserve_tokens_padding_total 0.0", "miniserve_tokens_after_end_total 0.0");
        // Each row's answer is the one the sentence gets alone: one request at a time now.
        for (int i = 0; i < sentences.size(); i += 17) {
            JsonNode alone = http.correct(sentences.get(i), "learner-" + i).json();
            JsonNode inBatch = answers.get(i).get().json();
            for (String field : List.of("sentence", "corrected", "status", "reason", "edits"))
                assertThat(alone.get(field)).as(field + " of sentence " + i).isEqualTo(inBatch.get(field));
        }
    }

    private static String batchCount(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("miniserve_batch_size_count ")).findFirst()
                .map(l -> l.substring("miniserve_batch_size_count ".length())).orElseThrow();
    }

    @Test
    void theResponseFollowsTheDocumentedSchema() throws Exception {
        TutorServer s = start(Kind.STATIC, 8, 1, 16);
        JsonNode c = new Http(s.port()).correct("She go to school yesterday.", "ana").json();
        assertThat(c.fieldNames()).toIterable().containsExactly(
                "sentence", "corrected", "status", "reason", "edits", "learner_id", "frequent_errors");
        assertThat(c.get("edits").isArray()).isTrue();
        assertThat(c.get("frequent_errors").isArray()).isTrue();
    }

    @Test
    void badInputsGetTheirStatusAndTheServerStillAnswers() throws Exception {
        TutorServer s = start(Kind.STATIC, 8, 1, 16);
        Http http = new Http(s.port());
        int limit = model.maxSentenceTokens(MAX_TOKENS);
        Http.Answer tooLong = http.correct("x".repeat(limit + 1)); // one token per byte in the test vocabulary
        assertThat(tooLong.status()).isEqualTo(413);
        assertThat(tooLong.field("error")).isEqualTo("sentence_too_long");
        assertThat(tooLong.field("detail")).contains((limit + 1) + " tokens", "at most " + limit);
        assertThat(http.correct("x".repeat(limit)).status()).isEqualTo(200);
        assertThat(http.post("/correct", "{\"sentence\": 3}").status()).isEqualTo(400);
        assertThat(http.post("/correct", "{\"sentence\": \"" + "y".repeat(70_000) + "\"}").status()).isEqualTo(413);
        Http.Answer good = http.correct("They was happy.");
        assertThat(good.status()).isEqualTo(200);
        assertThat(good.field("sentence")).isEqualTo("They was happy.");
    }

    @Test
    void aModelExceptionFailsOnlyItsBatch() throws Exception {
        // The real backend, with a failure injected into any batch that holds "boom".
        ServeFlags config = config(Kind.STATIC, 4, 30, 64, 1);
        TutorServer s = start(config, () -> new FailingOn("boom", new TutorBackend(model, config)));
        Http http = new Http(s.port());
        List<String> sentences = new ArrayList<>(sentences(12));
        sentences.set(5, "This boom sentence fails.");
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String sentence : sentences) answers.add(clients.submit(() -> http.correct(sentence)));
            int ok = 0;
            for (int i = 0; i < sentences.size(); i++) {
                Http.Answer a = answers.get(i).get();
                if (a.status() == 200) {
                    ok++;
                    assertThat(a.field("sentence")).isEqualTo(sentences.get(i));
                } else {
                    assertThat(a.status()).isEqualTo(500);
                    assertThat(a.field("error")).isEqualTo("model_error");
                }
            }
            assertThat(answers.get(5).get().status()).isEqualTo(500);
            assertThat(ok).as("at most one batch of four failed").isGreaterThanOrEqualTo(sentences.size() - 4);
        }
        assertThat(http.correct("After the failure.").status()).isEqualTo(200);
        assertThat(http.get("/metrics").body()).containsPattern("miniserve_requests_total\\{status=\"500\"} [1-4]\\.0");
    }

    @Test
    void aFullQueueTurnsTheExcessAwayAndAnswersEveryAcceptedRequest() throws Exception {
        TutorServer s = start(Kind.STATIC, 2, 0, 3);
        Http http = new Http(s.port());
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String sentence : sentences(60)) answers.add(clients.submit(() -> http.correct(sentence)));
            int ok = 0, full = 0;
            for (Future<Http.Answer> f : answers) {
                Http.Answer a = f.get();
                if (a.status() == 200) ok++;
                else {
                    assertThat(a.status()).isEqualTo(503);
                    assertThat(a.field("error")).isEqualTo("queue_full");
                    full++;
                }
            }
            assertThat(ok + full).isEqualTo(60);
            assertThat(ok).isPositive();
            assertThat(full).as("60 at once cannot all fit a queue of 3").isPositive();
        }
        assertThat(http.get("/health").status()).isEqualTo(200);
    }

    /**
     * The drain: 200 requests are in the server (the model held at its first batch or pass, so that they
     * are all there, waiting or running, when the stop begins), then the stop; a request arriving now is
     * answered 503 {@code shutting_down}; clients keep sending while the model is let go and HTTP stops
     * under them, and each is answered 503 or finds the connection refused or closed, never 500; each of
     * the 200 is answered 200 with its own sentence, and counted. Without the hold, the 200 were answered
     * within a second, and the few {@code GET /metrics} that got through meanwhile could all find none waiting.
     */
    @ParameterizedTest
    @CsvSource({"STATIC", "CONTINUOUS", "UNBATCHED"})
    void requestsInFlightAtShutdownAreAnswered(Kind kind) throws Exception {
        // with a request timeout, as serve has by default (long enough never to pass here)
        ServeFlags config = Flags.withRequestTimeout(config(kind, 2, 0, 256, 1), Http.HANG_GUARD.toMillis() * 2);
        Gated backend = new Gated(new TutorBackend(model, config));
        TutorServer s = start(config, () -> backend);
        int port = s.port();
        Http http = new Http(port);
        List<String> sentences = sentences(200);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (String sentence : sentences) answers.add(clients.submit(() -> http.correct(sentence)));
                long guard = System.nanoTime() + Http.HANG_GUARD.toNanos();
                // Every request is in the server, waiting or held in the model's first batch (pass), before the stop.
                int waiting = 0, running = 0;
                while (waiting + running < sentences.size()) {
                    for (Future<Http.Answer> a : answers)
                        assertThat(a.isDone()).as("a client finished before the stop: %s", a.state() == Future.State.FAILED ? a.exceptionNow() : "").isFalse();
                    assertThat(System.nanoTime()).as("all %d requests in the server, now %d waiting and %d running",
                            sentences.size(), waiting, running).isLessThan(guard);
                    Thread.sleep(5);
                    String metrics = http.get("/metrics").body();
                    waiting = gauge(metrics, "miniserve_num_requests_waiting");
                    running = gauge(metrics, "miniserve_num_requests_running");
                }
                assertThat(waiting).as("requests queued behind the held batch").isPositive();

                Future<Boolean> stopping = clients.submit(() -> s.stop(Duration.ofSeconds(60)));
                while (http.get("/health").status() == 200) {
                    assertThat(System.nanoTime()).as("the drain begins").isLessThan(guard);
                    Thread.sleep(5);
                }
                assertShuttingDown(http.correct("Arrived after the stop."));
                // Clients that keep arriving, each request on a new connection, through the rest of the drain and
                // while HTTP stops: each stops at its first connection refused or closed without an answer.
                List<Future<List<RawAnswer>>> late = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    late.add(clients.submit(() -> {
                        List<RawAnswer> got = new ArrayList<>();
                        while (System.nanoTime() < guard) {
                            try {
                                got.add(RawAnswer.correct(port, "Late " + got.size() + "."));
                            } catch (IOException e) {
                                break; // HTTP has stopped (or is stopping) under this client
                            }
                        }
                        return got;
                    }));
                }
                backend.open.countDown();
                assertThat(stopping.get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).as("drained within the limit").isTrue();
                for (Future<List<RawAnswer>> f : late)
                    for (RawAnswer a : f.get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
                        assertThat(a.status()).as(a.body()).isEqualTo(503);
                        assertThat(a.body()).contains("\"shutting_down\"");
                    }
                for (int i = 0; i < sentences.size(); i++) {
                    Http.Answer a = answers.get(i).get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
                    assertThat(a.status()).as(a.body()).isEqualTo(200);
                    assertThat(a.field("sentence")).isEqualTo(sentences.get(i));
                }
                assertThat(s.metrics().text()).contains("miniserve_requests_total{status=\"200\"} " + sentences.size() + ".0");
            } finally {
                backend.open.countDown(); // never leave the model held on a failed assertion
            }
        }
    }

    private static void assertShuttingDown(Http.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(503);
        assertThat(a.field("error")).isEqualTo("shutting_down");
        assertThat(a.raw().headers().firstValue("Retry-After")).contains(TutorServer.RETRY_AFTER_SECONDS);
    }

    /** An answer read off a connection of its own ({@code Connection: close}): its status and body. */
    private record RawAnswer(int status, String body) {
        /**
         * {@code POST /correct} on a new connection; an IOException if it is refused, closed without an answer,
         * or not answered within 5 s (a connection Jetty accepts just as it stops may be left open, unread).
         */
        static RawAnswer correct(int port, String sentence) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                socket.setSoTimeout(5_000);
                byte[] body = Http.MAPPER.writeValueAsBytes(Map.of("sentence", sentence));
                OutputStream out = socket.getOutputStream();
                out.write(("POST /correct HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int headEnd = response.indexOf("\r\n\r\n");
                if (!response.startsWith("HTTP/1.1 ") || headEnd < 0) throw new EOFException("closed without an answer: " + response);
                return new RawAnswer(Integer.parseInt(response.substring(9, 12)), response.substring(headEnd + 4));
            }
        }
    }

    /** A gauge's value in the Prometheus text of {@code GET /metrics}. */
    private static int gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).findFirst()
                .map(l -> (int) Double.parseDouble(l.substring(name.length() + 1))).orElseThrow();
    }

    /**
     * The real backend with its model held: every batch (every pass of a running batch) waits until {@link #open}
     * opens, at most {@link Http#HANG_GUARD}.
     */
    private record Gated(ModelBackend inner, CountDownLatch open) implements ForwardingBackend {
        Gated(ModelBackend inner) {
            this(inner, new CountDownLatch(1));
        }

        private void awaitOpen() throws InterruptedException {
            if (!open.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("the model was held too long");
        }

        @Override
        public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() throws Exception {
            return inner.batchWorkers().stream().map(w -> (BatchFunction<CorrectionRequest, Object>) (requests, hook) -> {
                awaitOpen();
                return w.apply(requests, hook);
            }).toList();
        }

        @Override
        public List<RowEngine<CorrectionRequest, Object>> rowEngines() throws Exception {
            return inner.rowEngines().stream().map(e -> (RowEngine<CorrectionRequest, Object>) new RowEngine<CorrectionRequest, Object>() {
                @Override
                public int rows() {
                    return e.rows();
                }

                @Override
                public int promptTokens(CorrectionRequest payload) {
                    return e.promptTokens(payload);
                }

                @Override
                public void start(int row, CorrectionRequest payload) throws Exception {
                    e.start(row, payload);
                }

                @Override
                public Step step() throws Exception {
                    awaitOpen();
                    return e.step();
                }

                @Override
                public boolean complete(int row) {
                    return e.complete(row);
                }

                @Override
                public Object finish(int row) throws Exception {
                    return e.finish(row);
                }

                @Override
                public void free(int row) {
                    e.free(row);
                }
            }).toList();
        }
    }

    /** Wraps a backend so that any batch holding a marked sentence throws. */
    private record FailingOn(String marker, ModelBackend inner) implements ForwardingBackend {
        @Override
        public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() throws Exception {
            return inner.batchWorkers().stream().map(w -> (BatchFunction<CorrectionRequest, Object>) (requests, hook) -> {
                if (requests.stream().anyMatch(r -> r.sentence().contains(marker)))
                    throw new IllegalStateException("injected model failure");
                return w.apply(requests, hook);
            }).toList();
        }
    }
}
