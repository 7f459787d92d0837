package miniserve.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import miniserve.eval.Evaluation.Beginner;
import miniserve.eval.Evaluation.TypeFixed;
import miniserve.language.ErrorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeginnerSetTest {

    static final Path SHIPPED = Path.of("data/beginner-test/sentences.tsv");

    @Test
    void theShippedSetCoversTheMainKindsAndHasCorrectSentences() {
        BeginnerSet set = BeginnerSet.load(SHIPPED);
        long clean = set.items().stream().filter(BeginnerSet.Item::clean).count();
        assertThat(set.items().size() - clean).isGreaterThanOrEqualTo(120);
        assertThat(clean).isGreaterThanOrEqualTo(25);
        Map<ErrorType, Long> byType = set.items().stream().flatMap(i -> i.types().stream())
                .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
        for (ErrorType t : List.of(ErrorType.AGREEMENT, ErrorType.VERB_FORM, ErrorType.TENSE, ErrorType.ARTICLE,
                ErrorType.NOUN_NUMBER, ErrorType.PREPOSITION, ErrorType.SPELLING)) {
            assertThat(byType.getOrDefault(t, 0L)).as("%s sentences", t).isGreaterThanOrEqualTo(10);
        }
        assertThat(new HashSet<>(set.sentences())).as("no sentence twice").hasSize(set.items().size());
    }

    @Test
    void itsSentencesAreHeldOutFromTraining() {
        Set<String> heldOut = miniserve.synth.HeldOutSentences.keys(Path.of("data"));
        for (BeginnerSet.Item item : BeginnerSet.load(SHIPPED).items()) {
            assertThat(heldOut).contains(miniserve.synth.HeldOutSentences.key(item.learner()));
            for (String c : item.corrections()) assertThat(heldOut).contains(miniserve.synth.HeldOutSentences.key(c));
        }
    }

    @Test
    void malformedLinesAreRefusedWithTheirLineNumber(@TempDir Path dir) throws IOException {
        record Case(String line, String message) {}
        for (Case c : List.of(
                new Case("He go home.\tHe goes home.", "line 2: expected 3 tab-separated columns, got 2"),
                new Case("He go home.\tHe goes home.\tAGREMENT", "line 2: unknown error type 'AGREMENT'"),
                new Case("He goes home.\tHe goes home.\tAGREEMENT", "line 2: a sentence with errors needs a correction that differs from it"),
                new Case("He goes home.\tHe went home.\tclean", "line 2: a clean sentence's correction must be the sentence itself"),
                new Case("\tHe goes home.\tAGREEMENT", "line 2: empty sentence or correction"))) {
            Path f = dir.resolve("set.tsv");
            Files.writeString(f, "# header\n" + c.line() + "\n");
            assertThatThrownBy(() -> BeginnerSet.load(f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.message());
        }
        Path empty = dir.resolve("empty.tsv");
        Files.writeString(empty, "# only a comment\n");
        assertThatThrownBy(() -> BeginnerSet.load(empty)).hasMessageContaining("holds no sentences");
        assertThatThrownBy(() -> BeginnerSet.load(dir.resolve("none.tsv"))).hasMessageContaining("no such file");
    }

    @Test
    void scoresFixedSentencesPerTypeAndCleanOnesLeftAlone(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("set.tsv");
        Files.writeString(f, String.join("\n",
                "She go home.\tShe goes home.\tAGREEMENT",
                "I has two cat.\tI have two cats.\tAGREEMENT,NOUN_NUMBER",
                "Tomorrow I went out.\tTomorrow I will go out. | Tomorrow I am going out.\tTENSE",
                "We like tea.\tWe like tea.\tclean",
                "They are here.\tThey are here.\tclean") + "\n");
        BeginnerSet set = BeginnerSet.load(f);
        // fixes the first, one of the second's two errors, the third by its second correction; changes one correct sentence
        Map<String, String> answers = Map.of("She go home.", "She goes home.", "I has two cat.", "I have two cat.",
                "Tomorrow I went out.", "Tomorrow  I am going out.", "We like tea.", "We likes tea.", "They are here.", "They are here.");
        Function<List<String>, List<String>> system = batch -> batch.stream().map(answers::get).toList();
        Beginner b = new Evaluation(List.of(), List.of(), set, null, 2).evaluate("x", system).beginner();
        assertThat(b.withErrors()).isEqualTo(3);
        assertThat(b.fixed()).isEqualTo(2);
        assertThat(b.clean()).isEqualTo(2);
        assertThat(b.leftAlone()).isEqualTo(1);
        assertThat(b.perType()).containsExactly(new TypeFixed("AGREEMENT", 2, 1), new TypeFixed("TENSE", 1, 1),
                new TypeFixed("NOUN_NUMBER", 1, 0));
        assertThat(b.answers()).containsExactly("She goes home.", "I have two cat.", "Tomorrow  I am going out.", "We likes tea.", "They are here.");

        Beginner copy = new Evaluation(List.of(), List.of(), set, null, 2).evaluate("copy", Baselines.copySource()).beginner();
        assertThat(copy.fixed()).isZero();
        assertThat(copy.leftAloneShare()).isEqualTo(1.0);
        String md = Evaluation.markdown(List.of(new Evaluation(List.of(), List.of(), set, null, 2).evaluate("x", system)), Map.of());
        assertThat(md).contains("## x: beginner sentences fully corrected", "| all with errors | 3 | 2 | 66.7% |", "| clean, left alone | 2 | 1 | 50.0% |");
    }
}
