package miniserve.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTrainerTest {

    private static final List<String> UD_HEAD = BpeTrainer.readLines(Path.of("data/ud-ewt/train.txt")).subList(0, 400);

    @Test
    void learnsTheSameMergesAsAPlainRecountingTrainer() {
        BpeTrainer.Vocabulary v = BpeTrainer.train(UD_HEAD, 256 + 300 + 2, BpeTrainer.DEFAULT_SPECIAL_TOKENS);
        assertThat(v.merges()).hasSize(300);
        assertThat(v.merges()).containsExactlyElementsOf(plainTrainer(UD_HEAD, 300));
    }

    @Test
    void laysOutBytesThenMergesThenSpecialTokens() {
        BpeTrainer.Vocabulary v = BpeTrainer.train(UD_HEAD, 600, BpeTrainer.DEFAULT_SPECIAL_TOKENS);
        assertThat(v.tokens()).hasSize(600).doesNotHaveDuplicates();
        for (int i = 0; i < 256; i++) assertThat(v.tokens().get(i)).isEqualTo(String.valueOf(ByteLevel.charOf(ByteLevel.byteInVocabOrder(i))));
        for (int r = 0; r < v.merges().size(); r++) assertThat(v.tokens().get(256 + r)).isEqualTo(v.merges().get(r).merged());
        assertThat(v.tokens().subList(598, 600)).containsExactly("<|endoftext|>", "<|sep|>");
        // the most frequent pair in English text with GPT-2's pieces: a space before 't' or similar
        assertThat(v.merges().get(0).left()).isEqualTo("Ġ");
    }

    @Test
    void isDeterministicAndItsFilesLoadUnchanged(@TempDir Path dir) throws IOException {
        BpeTrainer.Vocabulary a = BpeTrainer.train(UD_HEAD, 700, BpeTrainer.DEFAULT_SPECIAL_TOKENS);
        BpeTrainer.Vocabulary b = BpeTrainer.train(new ArrayList<>(UD_HEAD), 700, BpeTrainer.DEFAULT_SPECIAL_TOKENS);
        assertThat(b).isEqualTo(a);
        a.write(dir);
        BpeTokenizer loaded = BpeTokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        BpeTokenizer inMemory = a.tokenizer();
        assertThat(loaded.vocabSize()).isEqualTo(700);
        for (String line : UD_HEAD) {
            int[] ids = loaded.encode(line);
            assertThat(ids).containsExactly(inMemory.encode(line));
            assertThat(loaded.decode(ids)).isEqualTo(line);
        }
        String frequent = " the";
        assertThat(loaded.encode(frequent)).hasSize(1);
        assertThat(loaded.encode("<|sep|>")).containsExactly(loaded.tokenId("<|sep|>"));
    }

    @Test
    void stopsWhenNoPairOccursTwice() {
        BpeTrainer.Vocabulary v = BpeTrainer.train(List.of("abab", "xyz"), 1000, List.of("<|endoftext|>"));
        // "abab" is one piece: a b (x2) merges first, then ab ab once... which occurs once only
        assertThat(v.merges()).containsExactly(new Merge("a", "b"));
        assertThat(v.tokens()).hasSize(256 + 1 + 1);
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThatThrownBy(() -> BpeTrainer.train(UD_HEAD, 200, BpeTrainer.DEFAULT_SPECIAL_TOKENS))
                .hasMessageContaining("below the 256 byte tokens");
        assertThatThrownBy(() -> BpeTrainer.train(UD_HEAD, 300, List.of("[SEP]"))).hasMessageContaining("<|...|>");
    }

    /** The textbook algorithm: recount every pair over every piece before each merge. */
    static List<Merge> plainTrainer(List<String> lines, int nMerges) {
        Map<String, Integer> counts = new HashMap<>();
        for (String line : lines) PreTokenizer.split(line, 0, line.length(), (s, e) -> counts.merge(line.substring(s, e), 1, Integer::sum));
        List<List<String>> words = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        counts.forEach((piece, f) -> {
            List<String> w = new ArrayList<>();
            for (byte x : piece.getBytes(java.nio.charset.StandardCharsets.UTF_8)) w.add(String.valueOf(ByteLevel.charOf(x & 0xFF)));
            words.add(w);
            freq.add(f);
        });
        Set<String> made = new HashSet<>();
        Set<String> refused = new HashSet<>();
        List<Merge> merges = new ArrayList<>();
        while (merges.size() < nMerges) {
            Map<Merge, Long> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++)
                for (int i = 0; i + 1 < words.get(w).size(); i++)
                    pairCounts.merge(new Merge(words.get(w).get(i), words.get(w).get(i + 1)), (long) freq.get(w), Long::sum);
            Merge best = null;
            long bestCount = 0;
            for (var e : pairCounts.entrySet()) {
                Merge m = e.getKey();
                if (refused.contains(m.left() + " " + m.right())) continue;
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && (m.left().compareTo(best.left()) < 0
                        || (m.left().equals(best.left()) && m.right().compareTo(best.right()) < 0)))) {
                    best = m;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < 2) break;
            if (made.contains(best.merged())) {
                refused.add(best.left() + " " + best.right());
                continue;
            }
            made.add(best.merged());
            merges.add(best);
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(best.left()) && w.get(i + 1).equals(best.right())) {
                        w.set(i, best.merged());
                        w.remove(i + 1);
                    }
                }
            }
        }
        return merges;
    }
}
