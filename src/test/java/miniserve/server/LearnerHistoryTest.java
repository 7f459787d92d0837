package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import miniserve.agent.Correction;
import miniserve.agent.Correction.Status;
import miniserve.history.HistoryDatabase;
import miniserve.history.HistoryWriter;
import miniserve.language.Edit;
import miniserve.language.ErrorType;
import miniserve.server.ContinuousBatchScheduler.RowEngine;
import miniserve.server.StaticBatchScheduler.BatchFunction;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learner history through the real HTTP server and a real SQLite file: what counts (answered
 * requests, once each), what does not (refused, failed, or never delivered), and that it survives
 * a restart. The model is a stand-in whose "corrections" have the error types the sentence names
 * ("TENSE ARTICLE." has a TENSE and an ARTICLE edit); "boom" fails its batch.
 */
class LearnerHistoryTest {

    @TempDir
    Path tmp;

    private final List<TutorServer> servers = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (TutorServer s : servers) s.stop(Duration.ofSeconds(30));
    }

    /** A stand-in model whose corrections carry the edit types the sentence names. */
    private static final class NamedErrorsBackend implements ModelBackend {
        final LearnerHistory history;
        /** Set: each reply, once recorded, counts this down and waits for {@link #sendAfter} before it is sent. */
        volatile CountDownLatch recorded;
        final CountDownLatch sendAfter = new CountDownLatch(1);

        NamedErrorsBackend(LearnerHistory history) {
            this.history = history;
        }

        @Override
        public int maxSentenceTokens() {
            return 50;
        }

        @Override
        public int sentenceTokens(String sentence) {
            return sentence.split("\\s+").length;
        }

        @Override
        public List<BatchFunction<CorrectionRequest, Object>> batchWorkers() {
            return List.of((requests, hook) -> {
                if (requests.stream().anyMatch(r -> r.sentence().contains("boom"))) throw new IllegalStateException("boom");
                return requests.stream().map(r -> (Object) correction(r)).toList();
            });
        }

        @Override
        public List<RowEngine<CorrectionRequest, Object>> rowEngines() {
            throw new UnsupportedOperationException("static batching only");
        }

        private static Correction correction(CorrectionRequest r) {
            List<Edit> edits = new ArrayList<>();
            String[] words = r.sentence().replace(".", "").split(" ");
            for (int i = 0; i < words.length; i++) {
                String word = words[i];
                if (Arrays.stream(ErrorType.values()).anyMatch(t -> t.name().equals(word)))
                    edits.add(new Edit(i, i + 1, word, word.toLowerCase(), ErrorType.valueOf(word), "because"));
            }
            return new Correction(r.sentence(), r.sentence().toLowerCase(), edits.isEmpty() ? Status.NO_ERRORS : Status.CORRECTED,
                    null, edits, r.learnerId(), List.of());
        }

        @Override
        public Reply reply(String learnerId, Object result) {
            Reply reply = history.reply(learnerId, result);
            CountDownLatch hold = recorded;
            if (hold != null) {
                hold.countDown();
                try {
                    sendAfter.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return reply;
        }

        @Override
        public void close() {
            history.close();
        }
    }

    private NamedErrorsBackend backend;

    private TutorServer start(Path db) throws Exception {
        backend = new NamedErrorsBackend(new LearnerHistory(new HistoryWriter(HistoryDatabase.openSqlite(db))));
        TutorServer s = TutorServer.start("127.0.0.1", 0,
                Flags.batched(Scheduler.STATIC, 4, 0, 64, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1), () -> backend);
        servers.add(s);
        return s;
    }

    private static Map<String, Integer> frequent(Http.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (JsonNode e : a.json().get("frequent_errors")) out.put(e.get("type").asText(), e.get("count").asInt());
        return out;
    }

    private static long rows(Path db, String learner) throws Exception {
        try (Connection c = DriverManager.getConnection(HistoryDatabase.sqliteUrl(db)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM learner_error WHERE learner_id = '" + learner + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void eachAnsweredRequestCountsOnceAndTheHistorySurvivesARestart() throws Exception {
        Path db = tmp.resolve("history.db");
        TutorServer first = start(db);
        Http http = new Http(first.port());
        assertThat(frequent(http.correct("TENSE ARTICLE.", "ana"))).containsExactly(Map.entry("ARTICLE", 1), Map.entry("TENSE", 1));
        assertThat(frequent(http.correct("TENSE here.", "ana"))).containsExactly(Map.entry("TENSE", 2), Map.entry("ARTICLE", 1));
        assertThat(frequent(http.correct("SPELLING.", "bob"))).containsExactly(Map.entry("SPELLING", 1));
        assertThat(frequent(http.correct("TENSE.", null))).as("anonymous").isEmpty();
        first.stop(Duration.ofSeconds(30));

        TutorServer second = start(db);
        Http again = new Http(second.port());
        assertThat(frequent(again.correct("Nothing wrong.", "ana"))).containsExactly(Map.entry("TENSE", 2), Map.entry("ARTICLE", 1));
        assertThat(rows(db, "ana")).isEqualTo(3);
        assertThat(rows(db, "bob")).isEqualTo(1);
    }

    @Test
    void aRequestThatGetsNoAnswerCountsNothing() throws Exception {
        Path db = tmp.resolve("history.db");
        TutorServer s = start(db);
        Http http = new Http(s.port());
        frequent(http.correct("TENSE.", "ana"));

        // The model fails the batch: 500, nothing recorded.
        assertThat(http.correct("ARTICLE boom.", "ana").status()).isEqualTo(500);

        // The client goes away (a reset) after its errors were recorded, before its answer is sent: retracted.
        resetOnceRecorded(s, "/correct", "{\"sentence\": \"PRONOUN PRONOUN.\", \"learner_id\": \"ana\"}", db, 3, 1);
        assertThat(frequent(http.correct("Fine.", "ana"))).containsExactly(Map.entry("TENSE", 1));
    }

    /**
     * Sends a request of learner "ana" on a raw connection and resets the connection once its errors are
     * recorded ({@code recorded} rows of hers), before its answer leaves; the send fails and the errors are
     * retracted ({@code retracted} rows left).
     */
    private void resetOnceRecorded(TutorServer s, String path, String body, Path db, long recorded, long retracted) throws Exception {
        backend.recorded = new CountDownLatch(1);
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoLinger(true, 0); // close() sends a reset, so the server's write fails
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(backend.recorded.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(rows(db, "ana")).as("recorded before sending").isEqualTo(recorded);
        }
        Thread.sleep(100); // the reset arrives
        backend.recorded = null;
        backend.sendAfter.countDown();
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rows(db, "ana") != retracted && System.nanoTime() < guard) Thread.sleep(5);
        assertThat(rows(db, "ana")).as("retracted").isEqualTo(retracted);
    }

    /**
     * A text's edits count once, all its sentences' together, as one answer; a stream records them just
     * before its done event and, when the client has gone by then, retracts them; a stream cut off before
     * its end records nothing.
     */
    @Test
    void aTextCountsOnceWhetherAnsweredOrStreamedAndOnlyWhenItsAnswerIsSent() throws Exception {
        Path db = tmp.resolve("history.db");
        TutorServer s = start(db);
        Http http = new Http(s.port());
        Http.Answer text = http.correctText("TENSE ARTICLE.  Fine here.\nPRONOUN there.", "ana");
        assertThat(frequent(text)).containsOnly(Map.entry("ARTICLE", 1), Map.entry("PRONOUN", 1), Map.entry("TENSE", 1)); // ties: any order
        assertThat(rows(db, "ana")).isEqualTo(3);

        List<Http.Event> events = http.stream(Http.textBody("TENSE again. No error.", "ana")).rest();
        assertThat(events).extracting(Http.Event::name).containsExactly("sentence", "sentence", "done");
        JsonNode done = events.getLast().data();
        assertThat(done.get("frequent_errors").get(0).get("type").asText()).isEqualTo("TENSE");
        assertThat(done.get("frequent_errors").get(0).get("count").asInt()).isEqualTo(2);
        assertThat(rows(db, "ana")).isEqualTo(4);

        // a text that fails (one of its sentences' batch fails): nothing recorded
        assertThat(http.correctText("ARTICLE fine. ARTICLE boom.", "ana").status()).isEqualTo(500);
        assertThat(http.stream(Http.textBody("ARTICLE fine. ARTICLE boom.", "ana")).rest().getLast().name()).isEqualTo("error");
        assertThat(rows(db, "ana")).isEqualTo(4);

        // the client goes away (a reset) after the stream's errors were recorded, before its done event is sent
        resetOnceRecorded(s, "/correct/stream", Http.textBody("PRONOUN here. SPELLING there.", "ana"), db, 6, 4);
        Map<String, Integer> after = frequent(http.correct("Fine.", "ana"));
        assertThat(after.keySet().iterator().next()).isEqualTo("TENSE");
        assertThat(after).containsOnly(Map.entry("TENSE", 2), Map.entry("ARTICLE", 1), Map.entry("PRONOUN", 1));
    }
}
