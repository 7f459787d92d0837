package miniserve.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading tokenizer files: a small hand-made vocabulary, and clear failures on bad files. */
class BpeTokenizerLoadTest {

    @TempDir
    Path dir;

    /** The 256 byte tokens in GPT-2's order, then the given extra tokens. */
    private static List<String> byteTokensPlus(String... extra) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 256; i++) tokens.add(String.valueOf(ByteLevel.charOf(ByteLevel.byteInVocabOrder(i))));
        tokens.addAll(List.of(extra));
        return tokens;
    }

    private BpeTokenizer write(List<String> tokens, List<Merge> merges) throws IOException {
        VocabFiles.writeVocab(dir.resolve("vocab.json"), tokens);
        VocabFiles.writeMerges(dir.resolve("merges.txt"), merges);
        return BpeTokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    @Test
    void appliesMergesByRankOnASmallVocabulary() throws IOException {
        BpeTokenizer tok = write(byteTokensPlus("he", "ll", "hell", "Ġh", "<|end|>"),
                List.of(new Merge("h", "e"), new Merge("l", "l"), new Merge("he", "ll"), new Merge("Ġ", "h")));
        assertThat(tok.vocabSize()).isEqualTo(261);
        assertThat(tok.encode("hello")).containsExactly(tok.tokenId("hell"), tok.tokenId("o"));
        // " hello": "Ġ h" ranks after "h e", so h joins e first and the space stays alone
        assertThat(tok.encode(" hello")).containsExactly(tok.tokenId("Ġ"), tok.tokenId("hell"), tok.tokenId("o"));
        assertThat(tok.encode(" h")).containsExactly(tok.tokenId("Ġh"));
        assertThat(tok.encode("x<|end|>")).containsExactly(tok.tokenId("x"), tok.tokenId("<|end|>"));
        assertThat(tok.decode(tok.encode("héllo wörld ✓ <|end|>"))).isEqualTo("héllo wörld ✓ <|end|>");
    }

    @Test
    void failsClearlyOnMissingFiles() {
        assertThatThrownBy(() -> BpeTokenizer.load(dir.resolve("nope.json"), dir.resolve("merges.txt")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope.json").hasMessageContaining("not found");
    }

    @Test
    void failsClearlyOnBadVocabularies() throws IOException {
        Path vocab = dir.resolve("vocab.json"), merges = dir.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\n");
        Files.writeString(vocab, "{\"a\": 0,");
        assertThatThrownBy(() -> BpeTokenizer.load(vocab, merges)).hasMessageContaining("vocab.json").hasMessageContaining("not valid JSON");
        Files.writeString(vocab, "[1, 2]");
        assertThatThrownBy(() -> BpeTokenizer.load(vocab, merges)).hasMessageContaining("expected a JSON object");
        Files.writeString(vocab, "{\"a\": \"zero\"}");
        assertThatThrownBy(() -> BpeTokenizer.load(vocab, merges)).hasMessageContaining("not an integer");
        // a gap in the ids
        Map<String, Integer> gap = new LinkedHashMap<>();
        List<String> bytes = byteTokensPlus();
        for (int i = 0; i < 256; i++) gap.put(bytes.get(i), i == 255 ? 300 : i);
        assertThatThrownBy(() -> BpeTokenizer.of(gap, List.of())).hasMessageContaining("id 300");
        // a byte missing
        assertThatThrownBy(() -> write(bytes.subList(0, 255), List.of())).hasMessageContaining("base token for byte");
        // a token outside the byte alphabet
        assertThatThrownBy(() -> write(byteTokensPlus("hello world"), List.of())).hasMessageContaining("neither a byte-level token");
    }

    @Test
    void failsClearlyOnBadMerges() throws IOException {
        Path merges = dir.resolve("merges.txt");
        VocabFiles.writeVocab(dir.resolve("vocab.json"), byteTokensPlus("ab", "abc"));
        Files.writeString(merges, "#version: 0.2\na b c\n");
        assertThatThrownBy(() -> BpeTokenizer.load(dir.resolve("vocab.json"), merges))
                .hasMessageContaining("merges.txt").hasMessageContaining("line 2");
        assertThatThrownBy(() -> write(byteTokensPlus("ab"), List.of(new Merge("a", "c"))))
                .hasMessageContaining("merge 1").hasMessageContaining("missing");
        assertThatThrownBy(() -> write(byteTokensPlus("ab", "abc"), List.of(new Merge("ab", "c"), new Merge("a", "b"))))
                .hasMessageContaining("merge 1").hasMessageContaining("earlier merge");
        assertThatThrownBy(() -> write(byteTokensPlus("ab"), List.of(new Merge("a", "b"), new Merge("a", "b"))))
                .hasMessageContaining("merge 2").hasMessageContaining("repeats");
        // "abc" is made twice; a merge using it between the two could see pairs created out of rank order
        assertThatThrownBy(() -> write(byteTokensPlus("ab", "bc", "abc", "abcd"), List.of(new Merge("a", "b"), new Merge("b", "c"),
                new Merge("ab", "c"), new Merge("abc", "d"), new Merge("a", "bc"))))
                .hasMessageContaining("merge 4").hasMessageContaining("only by earlier merges");
        assertThatThrownBy(() -> write(byteTokensPlus("<|", "|>", "<|x", "<|x|>"), List.of(new Merge("<", "|"), new Merge("|", ">"), new Merge("<|", "x"),
                new Merge("<|x", "|>"))))
                .hasMessageContaining("special token");
    }
}
