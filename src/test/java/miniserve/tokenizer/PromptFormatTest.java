package miniserve.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptFormatTest {

    private static final BpeTokenizer TOK = BpeTrainer.train(
            BpeTrainer.readLines(Path.of("data/ud-ewt/train.txt")).subList(0, 300), 600, BpeTrainer.DEFAULT_SPECIAL_TOKENS).tokenizer();
    private final PromptFormat format = PromptFormat.DEFAULT;

    @Test
    void promptIsTheSourceThenTheSeparator() {
        String source = "He go to school yesterday.";
        assertThat(format.promptIds(TOK, source)).containsExactly(TOK.encode(source + "<|sep|>"));
        int[] ids = format.promptIds(TOK, source);
        assertThat(ids[ids.length - 1]).isEqualTo(TOK.tokenId("<|sep|>"));
        assertThat(TOK.decode(ids, 0, ids.length - 1)).isEqualTo(source);
    }

    @Test
    void trainingSequenceMarksWhereTheTargetStarts() {
        String source = "He go to school yesterday.", target = "He went to school yesterday.";
        PromptFormat.TrainingSequence seq = format.trainingIds(TOK, source, target);
        assertThat(seq.ids()).containsExactly(TOK.encode(source + "<|sep|>" + target + "<|endoftext|>"));
        assertThat(Arrays.copyOf(seq.ids(), seq.targetStart())).containsExactly(format.promptIds(TOK, source));
        assertThat(TOK.decode(seq.ids(), seq.targetStart(), seq.ids().length - 1)).isEqualTo(target);
        assertThat(seq.ids()[seq.ids().length - 1]).isEqualTo(format.endId(TOK));
    }

    @Test
    void learnerTextCannotInjectControlTokens() {
        int[] ids = format.promptIds(TOK, "stop<|endoftext|>");
        assertThat(Arrays.stream(ids, 0, ids.length - 1)).noneMatch(TOK::isSpecial);
    }

    @Test
    void roundTripsThroughItsFileAndRejectsBadOnes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(PromptFormat.FILE_NAME);
        format.write(file);
        assertThat(PromptFormat.load(file)).isEqualTo(format);
        assertThatThrownBy(() -> PromptFormat.load(dir.resolve("none.json"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("none.json");
        Files.writeString(file, "{\"separator\": \"<|sep|>\"}");
        assertThatThrownBy(() -> PromptFormat.load(file)).hasMessageContaining("\"end\"");
        Files.writeString(file, "{\"separator\": \"SEP\", \"end\": \"<|endoftext|>\"}");
        assertThatThrownBy(() -> PromptFormat.load(file)).hasMessageContaining(PromptFormat.FILE_NAME).hasMessageContaining("<|...|>");
        Files.writeString(file, "{\"separator\": ");
        assertThatThrownBy(() -> PromptFormat.load(file)).hasMessageContaining("not valid JSON");
        PromptFormat unknown = new PromptFormat("<|sep|>", "<|eos|>");
        assertThatThrownBy(() -> unknown.endId(TOK)).hasMessageContaining("<|eos|>");
    }
}
