package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import miniserve.agent.TinyTutorCheckpoint;
import miniserve.agent.TutorModel;
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

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    @ParameterizedTest
    @CsvSource({"STATIC", "CONTINUOUS", "UNBATCHED"})
    void requestsInFlightAtShutdownAreAnswered(Kind kind) throws Exception {
        TutorServer s = start(kind, 2, 0, 256);
        Http http = new Http(s.port());
        // Enough clients that some still wait for a row when /metrics is read: with 40, a quiet
        // machine sometimes answered them all between two reads under continuous batching.
        List<String> sentences = sentences(200);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String sentence : sentences) answers.add(clients.submit(() -> http.correct(sentence)));
            long guard = System.nanoTime() + Http.HANG_GUARD.toNanos();
            // Wait until requests are queued behind a running batch, then stop (what SIGTERM's hook does).
            int queued = 0;
            while (queued == 0 && System.nanoTime() < guard) {
                queued = http.get("/metrics").body().lines().filter(l -> l.startsWith("miniserve_num_requests_waiting "))
                        .mapToInt(l -> (int) Double.parseDouble(l.substring("miniserve_num_requests_waiting ".length()))).findFirst().orElse(0);
                if (queued == 0) Thread.sleep(1);
            }
            assertThat(queued).as("requests queued before the stop").isPositive();
            s.stop(Duration.ofSeconds(60));
            int answered = 0;
            for (int i = 0; i < sentences.size(); i++) {
                Http.Answer a;
                try {
                    a = answers.get(i).get();
                } catch (ExecutionException e) {
                    // a client that had not connected yet when HTTP stopped finds nobody listening
                    assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
                    continue;
                }
                if (a.status() == 200) {
                    answered++;
                    assertThat(a.field("sentence")).isEqualTo(sentences.get(i));
                } else { // only requests that arrived after the drain began may be turned away
                    assertThat(a.status()).isEqualTo(503);
                    assertThat(a.field("error")).isEqualTo("shutting_down");
                }
            }
            // every request waiting at the stop was answered, and every 200 the server counted reached its client
            assertThat(answered).isGreaterThanOrEqualTo(queued);
            assertThat(s.metrics().text()).contains("miniserve_requests_total{status=\"200\"} " + answered + ".0");
        }
    }

    /** Wraps a backend so that any batch holding a marked sentence throws. */
    private record FailingOn(String marker, ModelBackend inner) implements ModelBackend {
        @Override
        public int maxSentenceTokens() {
            return inner.maxSentenceTokens();
        }

        @Override
        public int sentenceTokens(String sentence) {
            return inner.sentenceTokens(sentence);
        }

        @Override
        public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() throws Exception {
            return inner.batchWorkers().stream().map(w -> (BatchFunction<CorrectionRequest, Object>) (requests, hook) -> {
                if (requests.stream().anyMatch(r -> r.sentence().contains(marker)))
                    throw new IllegalStateException("injected model failure");
                return w.apply(requests, hook);
            }).toList();
        }

        @Override
        public List<RowEngine<CorrectionRequest, Object>> rowEngines() throws Exception {
            return inner.rowEngines();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
