package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import miniserve.agent.TutorModel;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text end to end with the shipped tutor ({@code weights/}: a real model whose answers the agent
 * accepts, and which differ from sentence to sentence), continuous batching over real HTTP: the stream's
 * events, its done event, {@code POST /correct} with the text and with each sentence alone all agree, and
 * every edit is where it says in the text.
 */
class ShippedTutorTextTest {

    /** Mistakes the shipped tutor fixes (README, "What the main job answers"), a clean sentence, on three lines. */
    static final String TEXT = "I have two childs. My sister have a new job in the city.\nhe dont like apples.\n\nThe weather is nice today.";

    /**
     * 60 words and more tokens than an answer can hold within 64: within the context, so it is cut at its clauses.
     * The shipped tutor fixes "move" and "make" in it (weights/MODEL_CARD.md, "A sentence of 60 words").
     */
    static final String SIXTY_WORDS = "When my sister finished her studies at the university last spring, she move to a bigger city in "
            + "the north of the country, where she found a job in a small company that make furniture, and now she work there five "
            + "days a week and visits us only when she has a long holiday in the summer or at Christmas.";

    static TutorServer server;

    @BeforeAll
    static void start() throws Exception {
        TutorModel model = TutorModel.load(Path.of(ServeFlags.DEFAULT_WEIGHTS));
        ServeFlags flags = Flags.batched(Scheduler.CONTINUOUS, 8, 0, 64, ServeFlags.DEFAULT_MAX_TOKENS, 2, 1);
        server = TutorServer.start("127.0.0.1", 0, flags, () -> new TutorBackend(model, flags));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) server.stop(Duration.ofSeconds(30));
    }

    @Test
    void aStreamedTextAgreesWithItsAnswerAndWithEachSentenceAlone() throws Exception {
        Http http = new Http(server.port());
        List<Http.Event> events = http.stream(Http.textBody(TEXT, "ana")).rest();
        assertThat(events).extracting(Http.Event::name).containsExactly("sentence", "sentence", "sentence", "sentence", "done");
        JsonNode done = events.getLast().data();
        List<JsonNode> sentences = new ArrayList<>();
        done.get("sentences").forEach(sentences::add);
        assertThat(sentences).extracting(s -> s.get("sentence").asText())
                .containsExactly("I have two childs.", "My sister have a new job in the city.", "he dont like apples.", "The weather is nice today.");
        for (Http.Event e : events.subList(0, 4))
            assertThat(e.data()).isEqualTo(sentences.get(e.data().get("index").asInt()));

        int edits = 0;
        StringBuilder corrected = new StringBuilder();
        int at = 0;
        for (JsonNode s : sentences) {
            int start = s.get("text_start").asInt(), end = s.get("text_end").asInt();
            assertThat(TEXT.substring(start, end)).isEqualTo(s.get("sentence").asText());
            corrected.append(TEXT, at, start).append(s.get("corrected").asText());
            at = end;
            for (JsonNode e : s.get("edits")) {
                edits++;
                int es = e.get("text_start").asInt(), ee = e.get("text_end").asInt();
                assertThat(TEXT.substring(es, ee)).as(e.toString()).isEqualTo(e.get("original").asText());
            }
            // the sentence alone gets the same answer: a row's answer does not depend on its batch
            JsonNode alone = http.correct(s.get("sentence").asText()).json();
            for (String field : List.of("sentence", "corrected", "status", "reason"))
                assertThat(s.get(field)).as(field).isEqualTo(alone.get(field));
            List<JsonNode> withoutOffsets = new ArrayList<>();
            s.get("edits").forEach(e -> withoutOffsets.add(((ObjectNode) e.deepCopy()).without(List.of("text_start", "text_end"))));
            assertThat(withoutOffsets).isEqualTo(toList(alone.get("edits")));
        }
        corrected.append(TEXT, at, TEXT.length());
        assertThat(done.get("corrected").asText()).isEqualTo(corrected.toString());
        assertThat(done.get("corrected").asText()).contains("children").contains("\n\n");
        assertThat(edits).as("the shipped tutor fixes some of these mistakes").isPositive();
        assertThat(done.get("status").asText()).isEqualTo("corrected");

        JsonNode answer = http.correctText(TEXT, null).json();
        for (String field : List.of("text", "corrected", "status", "sentences"))
            assertThat(answer.get(field)).as(field).isEqualTo(done.get(field));
    }

    @Test
    void aSentenceTooLongToAnswerWithinMaxTokensIsCutAtItsClausesAndEveryPieceAnswered() throws Exception {
        JsonNode answer = new Http(server.port()).correctText(SIXTY_WORDS, null).json();
        List<JsonNode> pieces = toList(answer.get("sentences"));
        assertThat(pieces).hasSizeGreaterThan(1);
        for (JsonNode p : pieces) assertThat(p.get("status").asText()).as(p.toString()).isNotEqualTo("unchanged");
        assertThat(answer.get("corrected").asText()).contains("she moved to a bigger city").contains("a small company that makes furniture").doesNotContain(",.");
    }

    @Test
    void theSameSentenceSentAsASentenceIsCorrectedInPiecesAndAnsweredAsOne() throws Exception {
        Http http = new Http(server.port());
        JsonNode text = http.correctText(SIXTY_WORDS, null).json();
        JsonNode sentence = http.correct(SIXTY_WORDS).json();
        assertThat(sentence.has("sentences")).isFalse();
        assertThat(sentence.get("sentence").asText()).isEqualTo(SIXTY_WORDS);
        assertThat(sentence.get("status").asText()).isEqualTo("corrected");
        assertThat(sentence.get("reason").isNull()).isTrue();
        assertThat(sentence.get("corrected").asText()).isEqualTo(text.get("corrected").asText()).contains("she moved to a bigger city");
        var tokens = miniserve.language.WordDiff.tokenize(SIXTY_WORDS);
        for (JsonNode e : sentence.get("edits")) {
            String original = miniserve.language.WordDiff.text(SIXTY_WORDS, tokens, e.get("start").asInt(), e.get("end").asInt());
            assertThat(original).as(e.toString()).isEqualTo(e.get("original").asText());
        }
        assertThat(sentence.get("edits")).hasSizeGreaterThan(0);
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
