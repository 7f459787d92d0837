package miniserve.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tutor's vocabulary in weights/: reproducible from the training text, and lossless on held-out text. */
class ShippedVocabularyTest {

    private static final Path WEIGHTS = Path.of("weights");

    @Test
    void trainingWithTheDefaultsReproducesTheShippedFiles() throws Exception {
        BpeTrainer.Vocabulary v = BpeTrainer.train(BpeTrainer.readLines(Path.of(BpeTrainer.SHIPPED_TRAINING_TEXT)),
                BpeTrainer.SHIPPED_VOCAB_SIZE, BpeTrainer.DEFAULT_SPECIAL_TOKENS);
        Path dir = Files.createTempDirectory("vocab");
        try {
            v.write(dir);
            assertThat(Files.readString(dir.resolve("vocab.json"))).isEqualTo(Files.readString(WEIGHTS.resolve("vocab.json")));
            assertThat(Files.readString(dir.resolve("merges.txt"))).isEqualTo(Files.readString(WEIGHTS.resolve("merges.txt")));
        } finally {
            for (String f : List.of("vocab.json", "merges.txt")) Files.deleteIfExists(dir.resolve(f));
            Files.delete(dir);
        }
    }

    @Test
    void roundTripsEveryUdDevAndTestSentence() {
        BpeTokenizer tok = BpeTokenizer.load(WEIGHTS.resolve("vocab.json"), WEIGHTS.resolve("merges.txt"));
        assertThat(tok.vocabSize()).isEqualTo(BpeTrainer.SHIPPED_VOCAB_SIZE);
        int sentences = 0;
        for (String file : List.of("data/ud-ewt/dev.txt", "data/ud-ewt/test.txt")) {
            for (String line : BpeTrainer.readLines(Path.of(file))) {
                assertThat(tok.decode(tok.encode(line))).isEqualTo(line);
                sentences++;
            }
        }
        assertThat(sentences).isGreaterThan(4000);
    }

    @Test
    void theShippedPromptFormatUsesTheVocabularysSpecialTokens() {
        BpeTokenizer tok = BpeTokenizer.load(WEIGHTS.resolve("vocab.json"), WEIGHTS.resolve("merges.txt"));
        PromptFormat format = PromptFormat.load(WEIGHTS.resolve(PromptFormat.FILE_NAME));
        assertThat(format).isEqualTo(PromptFormat.DEFAULT);
        assertThat(tok.isSpecial(format.separatorId(tok))).isTrue();
        assertThat(tok.isSpecial(format.endId(tok))).isTrue();
    }
}
