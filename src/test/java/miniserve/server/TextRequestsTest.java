package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static miniserve.server.TutorServerTest.awaitMetric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Texts over real HTTP, {@code POST /correct} and {@code POST /correct/stream}, with the stand-in model:
 * its correction of a sentence is the sentence in capitals (an edit per word that changes) with a "!"
 * inserted after each "wow", so every sentence's answer is its own and its edits are at known places.
 */
class TextRequestsTest {

    private final List<TutorServer> servers = new ArrayList<>();

    private TutorServer start(ServeFlags flags, StandInBackend backend) throws Exception {
        TutorServer s = TutorServer.start("127.0.0.1", 0, flags, () -> backend);
        servers.add(s);
        return s;
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (TutorServer s : servers) s.stop(Duration.ofSeconds(10));
    }

    /** One model thread; static batching waits 20 ms for a batch to fill. */
    private static ServeFlags flags(Scheduler scheduler, int maxBatch, int maxQueue) {
        return Flags.batched(scheduler, maxBatch, 20, maxQueue, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1);
    }

    /** What the stand-in makes of a text: each piece in capitals, "!" after "wow". */
    private static String standInCorrection(String piece) {
        return piece.toUpperCase(Locale.ROOT).replace("WOW", "WOW!");
    }

    static final String TEXT = "she go home.   wow it was fun!\n\nThe the cat sat, caf\u00e9 \uD83D\uDE00 ok?\r\nyes";

    /** The answer's sentences and edits are where they say in the text, in text order, and read what they say. */
    private static void assertPlacedInText(String text, JsonNode answer) {
        assertThat(answer.get("text").asText()).isEqualTo(text);
        int index = 0, at = 0;
        for (JsonNode s : answer.get("sentences")) {
            assertThat(s.get("index").asInt()).isEqualTo(index++);
            int start = s.get("text_start").asInt(), end = s.get("text_end").asInt();
            assertThat(start).isGreaterThanOrEqualTo(at);
            assertThat(text.substring(start, end)).isEqualTo(s.get("sentence").asText());
            at = end;
            for (JsonNode e : s.get("edits")) {
                int es = e.get("text_start").asInt(), ee = e.get("text_end").asInt();
                assertThat(es).isBetween(start, end);
                assertThat(text.substring(es, ee)).as(e.toString()).isEqualTo(e.get("original").asText());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void aTextIsCorrectedSentenceBySentenceWithOffsetsIntoTheText(Scheduler scheduler) throws Exception {
        StandInBackend backend = new StandInBackend(1);
        TutorServer s = start(flags(scheduler, 8, 64), backend);
        Http.Answer a = new Http(s.port()).correctText(TEXT, "ana");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode answer = a.json();
        assertThat(answer.fieldNames()).toIterable()
                .containsExactly("text", "corrected", "status", "sentences", "learner_id", "frequent_errors");
        assertPlacedInText(TEXT, answer);
        List<String> sentences = new ArrayList<>();
        answer.get("sentences").forEach(x -> sentences.add(x.get("sentence").asText()));
        assertThat(sentences).containsExactly("she go home.", "wow it was fun!", "The the cat sat, caf\u00e9 \uD83D\uDE00 ok?", "yes");
        assertThat(answer.get("corrected").asText())
                .isEqualTo("SHE GO HOME.   WOW! IT WAS FUN!\n\nTHE THE CAT SAT, CAF\u00c9 \uD83D\uDE00 OK?\r\nYES");
        assertThat(answer.get("status").asText()).isEqualTo("corrected");
        assertThat(answer.get("learner_id").asText()).isEqualTo("ana");
        JsonNode first = answer.get("sentences").get(0);
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("index", "text_start", "text_end", "sentence", "corrected", "status", "reason", "edits");
        assertThat(first.get("corrected").asText()).isEqualTo("SHE GO HOME.");
        assertThat(first.get("edits").get(0).fieldNames()).toIterable()
                .containsExactly("start", "end", "original", "replacement", "type", "explanation", "text_start", "text_end");
        // the second "the", not the first; "café" after the emoji-free start of its sentence; the emoji unchanged
        JsonNode third = answer.get("sentences").get(2).get("edits");
        int thirdStart = TEXT.indexOf("The the");
        assertThat(third.get(0).get("original").asText()).isEqualTo("The");
        assertThat(third.get(0).get("text_start").asInt()).isEqualTo(thirdStart);
        assertThat(third.get(1).get("original").asText()).isEqualTo("the");
        assertThat(third.get(1).get("text_start").asInt()).isEqualTo(thirdStart + 4);
        assertThat(third.get(4).get("original").asText()).isEqualTo("caf\u00e9");
        assertThat(third.get(4).get("text_start").asInt()).isEqualTo(TEXT.indexOf("caf\u00e9"));
        assertThat(third.get(5).get("original").asText()).isEqualTo("ok");
        assertThat(third.get(5).get("text_start").asInt()).isEqualTo(TEXT.indexOf("ok?"));
        // the inserted "!" is a point right after "wow"
        JsonNode insertion = answer.get("sentences").get(1).get("edits").get(1);
        assertThat(insertion.get("replacement").asText()).isEqualTo("!");
        assertThat(insertion.get("text_start").asInt()).isEqualTo(TEXT.indexOf("wow") + 3).isEqualTo(insertion.get("text_end").asInt());
        // one row per sentence, all in the queue together: one static batch; continuous: admitted in order as
        // the loop takes them (the first may start a pass alone, the loop wakes as soon as it is queued)
        if (scheduler == Scheduler.STATIC) assertThat(backend.batches).containsExactly(sentences);
        else assertThat(backend.batches.stream().flatMap(List::stream).toList()).isEqualTo(sentences);
    }

    @Test
    void aSentenceTooLongForTheModelIsCutAtAClauseOrLeftAsItIsNeverA413() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        TutorServer s = start(flags(Scheduler.STATIC, 8, 64), backend);
        String words30 = "word ".repeat(30).strip();
        String cut = "Alpha " + words30 + ", and " + words30 + ".";
        String uncuttable = "Beta " + "word ".repeat(StandInBackend.MAX_WORDS + 5).strip() + ".";
        String text = "Short one. " + cut + " " + uncuttable + " Last one.";
        Http.Answer a = new Http(s.port()).correctText(text, null);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode answer = a.json();
        assertPlacedInText(text, answer);
        JsonNode pieces = answer.get("sentences");
        assertThat(pieces).hasSize(5);
        assertThat(pieces.get(1).get("sentence").asText()).isEqualTo("Alpha " + words30 + ",");
        assertThat(pieces.get(2).get("sentence").asText()).isEqualTo("and " + words30 + ".");
        assertThat(pieces.get(1).get("status").asText()).isEqualTo("corrected");
        JsonNode left = pieces.get(3);
        assertThat(left.get("status").asText()).isEqualTo("unchanged");
        assertThat(left.get("corrected").asText()).isEqualTo(uncuttable);
        assertThat(left.get("reason").asText()).contains("at most " + StandInBackend.MAX_WORDS);
        assertThat(left.get("edits")).isEmpty();
        assertThat(answer.get("status").asText()).isEqualTo("corrected");
        assertThat(answer.get("corrected").asText()).isEqualTo("SHORT ONE. " + standInCorrection(cut) + " " + uncuttable + " LAST ONE.");
        assertThat(backend.batches.stream().flatMap(List::stream)).as("the uncuttable piece never reaches the model")
                .doesNotContain(uncuttable);
    }

    @Test
    void aClauseCutFromALongSentenceGetsNoCapitalOnItsFirstWord() throws Exception {
        StandInBackend backend = new StandInBackend(1);
        TutorServer s = start(flags(Scheduler.STATIC, 8, 64), backend);
        String words30 = "word ".repeat(30).strip();
        // The stand-in writes every word in capitals: "a" -> "A" is the capital a sentence's first word takes.
        String sentence = "a " + words30 + ", a " + words30 + ".";
        JsonNode answer = new Http(s.port()).correctText(sentence, null).json();
        JsonNode pieces = answer.get("sentences");
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0).get("edits").get(0).get("replacement").asText()).as("the sentence's own start").isEqualTo("A");
        JsonNode clause = pieces.get(1);
        assertThat(clause.get("sentence").asText()).isEqualTo("a " + words30 + ".");
        assertThat(clause.get("corrected").asText()).isEqualTo("a " + words30.toUpperCase(Locale.ROOT) + ".");
        assertThat(clause.get("edits")).hasSize(30);
        assertThat(answer.get("corrected").asText()).isEqualTo("A " + words30.toUpperCase(Locale.ROOT) + ", a "
                + words30.toUpperCase(Locale.ROOT) + ".");

        // Only a sentence's capital is dropped: the pronoun "I" takes one anywhere, and a later word keeps its edit.
        assertThat(TextRows.sentenceCapital(capital(0, "and", "And"))).isTrue();
        assertThat(TextRows.sentenceCapital(capital(0, "i", "I"))).isFalse();
        assertThat(TextRows.sentenceCapital(capital(0, "i'm", "I'm"))).isFalse();
        assertThat(TextRows.sentenceCapital(capital(1, "and", "And"))).isFalse();
    }

    private static miniserve.language.Edit capital(int at, String original, String replacement) {
        return new miniserve.language.Edit(at, at + 1, original, replacement, miniserve.language.ErrorType.CAPITALIZATION, "capital");
    }

    @Test
    void badTextsGetTheirStatusAndReason() throws Exception {
        TutorServer s = start(flags(Scheduler.STATIC, 8, 4), new StandInBackend(1));
        Http http = new Http(s.port());
        record Bad(String body, int status, String error, String hint) {}
        List<Bad> bad = List.of(
                new Bad("{\"sentence\": \"a\", \"text\": \"b\"}", 400, "sentence_and_text", "not both"),
                new Bad("{\"learner_id\": \"x\"}", 400, "missing_sentence", "\"text\""),
                new Bad("{\"text\": \"  \\n \"}", 400, "blank_text", "text"),
                new Bad("{\"text\": \"\\u00a0\"}", 400, "blank_text", "text"),
                new Bad("{\"text\": 5}", 400, "invalid_field", "\"text\" must be a string"),
                new Bad(Http.textBody("x".repeat(TutorServer.MAX_TEXT_CHARS + 1), null), 413, "text_too_long",
                        (TutorServer.MAX_TEXT_CHARS + 1) + " characters"),
                new Bad(Http.textBody("One. Two. Three. Four. Five.", null), 413, "text_too_long", "at most 4"));
        for (Bad b : bad) {
            for (String path : List.of("/correct", "/correct/stream")) {
                Http.Answer a = path.equals("/correct") ? http.post(path, b.body()) : http.stream(b.body()).asAnswer();
                assertThat(a.status()).as(path + " " + b.body()).isEqualTo(b.status());
                assertThat(a.field("error")).as(path + " " + b.body()).isEqualTo(b.error());
                assertThat(a.field("detail")).as(path + " " + b.body()).contains(b.hint());
            }
        }
        assertThat(http.correctText("x".repeat(TutorServer.MAX_TEXT_CHARS), null).status()).as("at the limit").isEqualTo(200);
        assertThat(http.correctText("One. Two. Three. Four.", null).status()).as("as many sentences as the queue holds").isEqualTo(200);
    }

    /** A text the queue has no room for is refused whole: 503 with Retry-After, none of its rows queued or run. */
    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void aTextThatDoesNotFitTheQueueIsRefusedWhole(Scheduler scheduler) throws Exception {
        StandInBackend backend = new StandInBackend(1);
        backend.gate = new CountDownLatch(1); // the model is stuck on its first batch (or pass)
        TutorServer s = start(flags(scheduler, 1, 3), backend);
        Http http = new Http(s.port());
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                Future<Http.Answer> first = clients.submit(() -> http.correct("first one"));
                assertThat(backend.entered.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
                Future<Http.Answer> waiting = clients.submit(() -> http.correct("second one"));
                awaitMetric(http, "miniserve_num_requests_waiting 1.0");
                for (String path : List.of("/correct", "/correct/stream")) {
                    String body = Http.textBody("Never one. Never two. Never three.", "ana"); // 3 rows, room for 2
                    Http.Answer a;
                    if (path.equals("/correct")) a = http.post(path, body);
                    else {
                        Http.Stream stream = http.stream(body);
                        a = stream.asAnswer();
                        assertThat(stream.raw.headers().firstValue("Retry-After")).hasValue("1");
                    }
                    assertThat(a.status()).as(path).isEqualTo(503);
                    assertThat(a.field("error")).isEqualTo("queue_full");
                    if (a.raw() != null) assertThat(a.raw().headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(http.get("/metrics").body()).as("nothing of it left in the queue").contains("miniserve_num_requests_waiting 1.0");
                }
                Future<Http.Answer> fits = clients.submit(() -> http.correctText("Fits one. Fits two.", null)); // the room left
                awaitMetric(http, "miniserve_num_requests_waiting 3.0");
                backend.gate.countDown();
                assertThat(first.get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
                assertThat(waiting.get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
                Http.Answer text = fits.get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
                assertThat(text.status()).isEqualTo(200);
                assertThat(text.field("corrected")).isEqualTo("FITS ONE. FITS TWO.");
            } finally {
                backend.gate.countDown();
            }
        }
        assertThat(backend.batches.stream().flatMap(List::stream)).noneMatch(x -> x.startsWith("Never"));
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("miniserve_requests_total{status=\"503\"} 2.0", "miniserve_requests_total{status=\"200\"} 3.0",
                "miniserve_requests_cancelled_total 0.0");
    }
    /** The events up to and including the next one named {@code name}; fails on anything but sentence events before it. */
    private static Http.Event expect(Http.Stream stream, String name) throws InterruptedException {
        Http.Event e = stream.next();
        assertThat(e).as("an event, not the end of the stream").isNotNull();
        assertThat(e.name()).as(String.valueOf(e.data())).isEqualTo(name);
        return e;
    }

    /**
     * Each sentence's event comes as soon as its row is done, before the last row is: the row holding
     * "hold" does not finish until the test lets it, and the events of the others arrive meanwhile (static
     * batching with max_batch 1 runs one row per batch, in order; continuous batching finishes rows on their
     * own, so the one after the held row finishes first too). Then the held one, then done: the whole
     * answer, exactly what POST /correct returns.
     */
    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void aStreamSendsEachSentenceAsSoonAsItsRowIsDone(Scheduler scheduler) throws Exception {
        StandInBackend backend = new StandInBackend(1);
        backend.hold = new CountDownLatch(1);
        TutorServer s = start(flags(scheduler, scheduler == Scheduler.STATIC ? 1 : 8, 64), backend);
        Http http = new Http(s.port());
        String text = "First one here.  Then hold on.\nwow a third.";
        try {
            Http.Stream stream = http.stream(Http.textBody(text, null));
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.raw.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            List<Http.Event> sentences = new ArrayList<>();
            sentences.add(expect(stream, "sentence"));
            assertThat(sentences.get(0).data().get("index").asInt()).isZero();
            if (scheduler == Scheduler.CONTINUOUS) {
                sentences.add(expect(stream, "sentence"));
                assertThat(sentences.get(1).data().get("index").asInt()).as("the row after the held one is done first").isEqualTo(2);
            }
            assertThat(backend.hold.getCount()).as("all this while the held row was not done").isOne();
            backend.hold.countDown();
            while (sentences.size() < 3) sentences.add(expect(stream, "sentence"));
            Http.Event done = expect(stream, "done");
            assertThat(stream.next()).as("done is the last event").isNull();

            JsonNode answer = done.data();
            assertPlacedInText(text, answer);
            for (Http.Event e : sentences)
                assertThat(e.data()).isEqualTo(answer.get("sentences").get(e.data().get("index").asInt()));
            assertThat(answer.get("corrected").asText()).isEqualTo("FIRST ONE HERE.  THEN HOLD ON.\nWOW! A THIRD.");
            assertThat(answer).as("what POST /correct answers").isEqualTo(http.correctText(text, null).json());
        } finally {
            backend.hold.countDown();
        }
        assertThat(http.get("/metrics").body()).contains("miniserve_requests_total{status=\"200\"} 2.0");
    }

    @Test
    void aStreamOfASentenceEndsWithThatSentencesAnswer() throws Exception {
        TutorServer s = start(flags(Scheduler.CONTINUOUS, 8, 64), new StandInBackend(1));
        Http http = new Http(s.port());
        Http.Stream stream = http.stream("{\"sentence\": \"  wow she go  \", \"learner_id\": \"bo\"}");
        List<Http.Event> events = stream.rest();
        assertThat(events).extracting(Http.Event::name).containsExactly("sentence", "done");
        JsonNode sentence = events.get(0).data();
        assertThat(sentence.get("text_start").asInt()).isZero();
        assertThat(sentence.get("text_end").asInt()).isEqualTo("  wow she go  ".length());
        assertThat(sentence.get("edits").get(1).get("text_start").asInt()).as("the \"!\" after wow").isEqualTo(5);
        assertThat(events.get(1).data()).isEqualTo(http.correct("  wow she go  ", "bo").json());
        assertThat(events.get(1).data().get("corrected").asText()).isEqualTo("  WOW! SHE GO  ");
    }

    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void aRowThatFailsEndsTheStreamWithAnErrorEvent(Scheduler scheduler) throws Exception {
        TutorServer s = start(flags(scheduler, 8, 64), new StandInBackend(1));
        Http http = new Http(s.port());
        List<Http.Event> events = http.stream(Http.textBody("Fine one. boom two. Fine three.", null)).rest();
        assertThat(events).isNotEmpty();
        Http.Event last = events.getLast();
        assertThat(last.name()).isEqualTo("error");
        assertThat(last.data().get("error").asText()).isEqualTo("model_error");
        assertThat(last.data().get("detail").asText()).isNotBlank();
        assertThat(events.subList(0, events.size() - 1)).allMatch(e -> e.name().equals("sentence"));
        Http.Answer a = http.correctText("Fine one. boom two. Fine three.", null);
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.field("error")).isEqualTo("model_error");
        assertThat(http.get("/metrics").body()).contains("miniserve_requests_total{status=\"500\"} 2.0");
        assertThat(http.correctText("Fine again.", null).status()).isEqualTo(200);
    }

    /** Sends a request on a raw connection, runs {@code then}, and closes the connection. */
    private static void requestThenClose(int port, String path, String body, TutorServerTest.IoAction then) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Http.HANG_GUARD.toMillis());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            then.run(socket);
        }
    }

    /** Reads the connection until {@code until} has arrived. */
    private static void readUntil(Socket socket, String until) throws Exception {
        StringBuilder seen = new StringBuilder();
        var in = socket.getInputStream();
        while (!seen.toString().contains(until)) {
            int b = in.read();
            assertThat(b).as("the connection ended before " + until + " in " + seen).isNotNegative();
            seen.append((char) b);
        }
    }

    /**
     * A client that closes its connection cancels its request's rows that are not done yet, waiting or
     * running, and they are counted as cancelled; nothing is answered or counted as an answer.
     */
    @ParameterizedTest
    @EnumSource(Scheduler.class)
    void closingTheConnectionCancelsTheRowsNotDoneAndCountsThem(Scheduler scheduler) throws Exception {
        StandInBackend backend = new StandInBackend(1);
        backend.gate = new CountDownLatch(1); // the model is stuck on the first batch (or pass)
        // static batching one row a batch, so that a text's first row can be done while its second is held
        TutorServer s = start(flags(scheduler, scheduler == Scheduler.STATIC ? 1 : 8, 64), backend);
        Http http = new Http(s.port());
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                Future<Http.Answer> first = clients.submit(() -> http.correct("first one"));
                assertThat(backend.entered.await(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
                String three = Http.textBody("One is here. Two is here. Three is here.", null);
                // a stream, closed once it has started (its headers are out)
                requestThenClose(s.port(), "/correct/stream", three, socket -> readUntil(socket, "text/event-stream"));
                awaitMetric(http, "miniserve_requests_cancelled_total 3.0");
                awaitMetric(http, "miniserve_num_requests_waiting 0.0");
                // POST /correct with a text, closed while its rows wait
                requestThenClose(s.port(), "/correct", three.replace("is", "was"),
                        socket -> awaitMetric(http, "miniserve_num_requests_waiting 3.0"));
                awaitMetric(http, "miniserve_requests_cancelled_total 6.0");
                awaitMetric(http, "miniserve_num_requests_waiting 0.0");
                backend.gate.countDown();
                assertThat(first.get(Http.HANG_GUARD.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            } finally {
                backend.gate.countDown();
            }
        }
        awaitMetric(http, "miniserve_num_requests_running 0.0");
        assertThat(backend.batches.stream().flatMap(List::stream)).as("the cancelled rows never reached the model")
                .noneMatch(x -> x.contains(" here."));
        // a stream cut off after its first event: only the row not done yet is cancelled
        backend.hold = new CountDownLatch(1);
        try {
            requestThenClose(s.port(), "/correct/stream", Http.textBody("Done soon. Not while I hold.", null),
                    socket -> readUntil(socket, "event: sentence"));
            awaitMetric(http, "miniserve_requests_cancelled_total 7.0");
        } finally {
            backend.hold.countDown();
        }
        awaitMetric(http, "miniserve_num_requests_running 0.0");
        assertThat(http.get("/metrics").body()).as("only the first request was answered")
                .contains("miniserve_requests_total{status=\"200\"} 1.0");
        assertThat(http.correctText("Still answering.", null).status()).isEqualTo(200);
    }
}
