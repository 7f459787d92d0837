package miniserve.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadTest {

    @TempDir Path dir;

    @Test
    void readsSentencesSkippingBlankAndLetterlessLinesAndLongOnes() throws Exception {
        Path f = dir.resolve("w.txt");
        Files.writeString(f, "She go to school.\n\n***\n  He have two cat .  \none two three four five six\n");
        Workload w = Workload.load(f, 5);
        assertThat(w.sentences()).containsExactly("She go to school.", "He have two cat .");
        assertThat(w.skipped()).isEqualTo(1);
        assertThat(Workload.load(f, 0).size()).isEqualTo(3);
    }

    @Test
    void sentencesTooLongForTheModelAreLeftOutAndCounted() throws Exception {
        Path f = dir.resolve("w.txt");
        Files.writeString(f, "She go to school.\nA much longer sentence than the model takes.\nHi there you.\n");
        Workload w = Workload.load(f, 0).withoutTooLong(s -> s.length() < 20);
        assertThat(w.sentences()).containsExactly("She go to school.", "Hi there you.");
        assertThat(w.tooLongForModel()).isEqualTo(1);
        assertThat(w.describe()).contains("2 sentences", "1 too long for the model skipped");
        assertThatThrownBy(() -> w.withoutTooLong(s -> false)).hasMessageContaining("no sentence of the workload fits");
    }

    @Test
    void drawsAreDeterministicForASeedAndUseEverySentenceOncePerPass() {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < 37; i++) s.add("sentence " + i);
        Workload w = Workload.of(s);
        List<Workload.Item> a = w.draw(5, 74), b = w.draw(5, 74), c = w.draw(6, 74);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        Set<String> firstPass = new HashSet<>(), secondPass = new HashSet<>();
        for (int i = 0; i < 37; i++) firstPass.add(a.get(i).sentence());
        for (int i = 37; i < 74; i++) secondPass.add(a.get(i).sentence());
        assertThat(firstPass).hasSize(37).isEqualTo(new HashSet<>(s));
        assertThat(secondPass).isEqualTo(firstPass);
        assertThat(a).allMatch(i -> i.learnerId().matches("learner-\\d+"));
        assertThat(a.stream().map(Workload.Item::learnerId).distinct().count()).isGreaterThan(1).isLessThanOrEqualTo(Workload.LEARNERS);
    }

    @Test
    void anEmptyOrMissingFileIsAClearError() throws Exception {
        Path f = dir.resolve("empty.txt");
        Files.writeString(f, "\n***\n");
        assertThatThrownBy(() -> Workload.load(f, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no usable sentence");
        assertThatThrownBy(() -> Workload.load(dir.resolve("nope.txt"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void anExplicitFileIsUsedAsGiven() {
        Path given = dir.resolve("mine.txt");
        List<String> warnings = new ArrayList<>();
        assertThat(Workload.resolveFile(given, p -> p, warnings::add)).isEqualTo(given);
        assertThat(warnings).isEmpty();
    }

    @Test
    void theDefaultFilesAreLookedForInTheProjectNotTheWorkingDirectory() throws IOException {
        List<String> warnings = new ArrayList<>();
        assertThatThrownBy(() -> Workload.resolveFile(null, dir::resolve, warnings::add))
                .hasMessageContaining(dir.resolve(Workload.DEFAULT_FILE).toString());
        Path clean = Files.createDirectories(dir.resolve("data/ud-ewt")).resolve("dev.txt");
        Files.writeString(clean, "A sentence.\n");
        assertThat(Workload.resolveFile(null, dir::resolve, warnings::add)).isEqualTo(clean);
        assertThat(warnings).singleElement().asString().contains("not found; using " + clean);
        Path learner = Files.createDirectories(dir.resolve("data/workload")).resolve("learner-sentences.txt");
        Files.writeString(learner, "A sentense.\n");
        assertThat(Workload.resolveFile(null, dir::resolve, warnings::add)).isEqualTo(learner);
    }
}
