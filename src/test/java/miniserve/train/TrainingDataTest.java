package miniserve.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import miniserve.model.TrainingSequence;
import miniserve.synth.SyntheticErrors;
import miniserve.tokenizer.BpeTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    @TempDir
    static Path tmp;
    static TrainingData data;
    static BpeTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        Files.write(tmp.resolve("train.txt"), Files.readAllLines(Path.of("data/ud-ewt/train.txt")).subList(0, 300));
        Files.write(tmp.resolve("dev.txt"), Files.readAllLines(Path.of("data/ud-ewt/dev.txt")).subList(0, 60));
        data = TrainingData.load(tmp, List.of(), Path.of("weights"));
        tok = BpeTokenizer.load(Path.of("weights/vocab.json"), Path.of("weights/merges.txt"));
    }

    @Test
    void sequencesAreSourceSeparatorTargetEnd() {
        List<TrainingSequence> seqs = data.source().sequences(5);
        assertThat(seqs).hasSize(data.cleanSentences());
        int sep = tok.tokenId("<|sep|>"), end = tok.tokenId("<|endoftext|>");
        for (TrainingSequence s : seqs) {
            int[] t = s.tokens();
            assertThat(t[s.firstLossTarget() - 1]).isEqualTo(sep);
            assertThat(t[t.length - 1]).isEqualTo(end);
            assertThat(Arrays.stream(t).filter(x -> x == sep).count()).isEqualTo(1);
        }
        // Fresh noise for a new seed, the same noise for the same seed.
        assertThat(data.source().sequences(5)).usingRecursiveFieldByFieldElementComparator().isEqualTo(seqs);
        List<TrainingSequence> other = data.source().sequences(6);
        long differing = 0;
        for (int i = 0; i < seqs.size(); i++) if (!Arrays.equals(seqs.get(i).tokens(), other.get(i).tokens())) differing++;
        assertThat(differing).isGreaterThan(seqs.size() / 4);
    }

    @Test
    void copyDrillsAddShuffledSentences() {
        List<TrainingSequence> plain = data.source(0).sequences(3), drilled = data.source(0.5).sequences(3);
        assertThat(drilled).hasSize(plain.size() + Math.round(0.5f * data.cleanSentences()));
        for (int i = 0; i < plain.size(); i++) assertThat(drilled.get(i).tokens()).isEqualTo(plain.get(i).tokens());
        String shuffled = TrainingData.shuffledWords("The cat sat on the mat .", new SplittableRandom(1));
        assertThat(shuffled.split(" ")).containsExactlyInAnyOrder("The", "cat", "sat", "on", "the", "mat", ".");
        assertThat(shuffled).isNotEqualTo("The cat sat on the mat .");
        assertThatThrownBy(() -> data.source(-1)).hasMessageContaining(">= 0");
    }

    @Test
    void heldOutIsTheEvaluationsNoisedDevSet() {
        List<TrainingSequence> h = data.heldOut(20, 20240607);
        assertThat(h).hasSize(SyntheticErrors.heldOutPairs(tmp.resolve("dev.txt"), 20, 20240607).size()).isNotEmpty();
        assertThat(data.heldOut(0, 1)).isEmpty();
    }

    @Test
    void missingFilesAreNamed() {
        assertThatThrownBy(() -> TrainingData.load(tmp.resolve("none"), List.of(), Path.of("weights"))).hasMessageContaining("missing file");
        assertThatThrownBy(() -> TrainingData.load(tmp, List.of(tmp.resolve("extra-absent.txt")), Path.of("weights")))
                .hasMessageContaining("missing file").hasMessageContaining("extra-absent.txt");
    }

    @Test
    void extraTextAddsItsUsableSentencesAfterUds() throws IOException {
        Path extra = tmp.resolve("extra.txt");
        Files.write(extra, List.of("The patient is breathing again.", "no capital and no stop", "He sold his old car last week."));
        TrainingData more = TrainingData.load(tmp, List.of(extra), Path.of("weights"));
        assertThat(more.udSentences()).isEqualTo(data.cleanSentences());
        assertThat(more.cleanSentences()).isEqualTo(data.cleanSentences() + 2);
    }
}
