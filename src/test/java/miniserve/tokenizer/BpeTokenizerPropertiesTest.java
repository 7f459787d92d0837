package miniserve.tokenizer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the tokenizer on GPT-2's files, over generated text. */
class BpeTokenizerPropertiesTest {

    private static final BpeTokenizer GPT2 = Gpt2Files.gpt2();

    /** Characters drawn from the classes that matter: ASCII, Latin-1, other scripts, spaces, emoji. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.integers().between(0x20, 0x7E)),
                net.jqwik.api.Tuple.of(5, Arbitraries.of((int) ' ', (int) '\n', (int) '\t', (int) '\r', 0xA0, 0x3000, 0x2028, 0xFEFF, 0x85)),
                net.jqwik.api.Tuple.of(5, Arbitraries.of((int) '\'', (int) 's', (int) 't', (int) 'l', (int) 'r', (int) 'e')),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 0x1F)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x80, 0x2FF)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x300, 0xD7FF)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0xE000, 0xFFFF)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0x10000, 0x10FFFF)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x1F300, 0x1FAFF)));
        return cp.list().ofMaxSize(60).map(list -> {
            StringBuilder b = new StringBuilder();
            list.forEach(b::appendCodePoint);
            return b.toString();
        });
    }

    @Property(tries = 400)
    void decodeInvertsEncode(@ForAll("text") String s) {
        assertThat(GPT2.decode(GPT2.encode(s))).isEqualTo(s);
    }

    @Property(tries = 400)
    void idsAreTheConcatenationOfEachPiecesIds(@ForAll("text") String s) {
        List<Integer> joined = new ArrayList<>();
        PreTokenizer.split(s, 0, s.length(), (from, to) -> {
            for (int id : GPT2.encodeOrdinary(s.substring(from, to))) joined.add(id);
        });
        assertThat(GPT2.encodeOrdinary(s)).containsExactly(joined.stream().mapToInt(Integer::intValue).toArray());
    }

    // The pattern of GPT-2's encoder.py, with \s spelled out as ECMAScript's white space.
    private static final String WS = "[\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]";
    private static final Pattern GPT2_PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\p{L}\\p{N}" + WS.substring(1) + "+|" + WS + "+(?!" + "[^" + WS.substring(1) + ")|" + WS + "+");

    @Property(tries = 1000)
    void preTokenizerSplitsAsThePattern(@ForAll("text") String s) {
        List<String> expected = new ArrayList<>();
        Matcher m = GPT2_PATTERN.matcher(s);
        while (m.find()) expected.add(m.group());
        List<String> got = new ArrayList<>();
        PreTokenizer.split(s, 0, s.length(), (from, to) -> got.add(s.substring(from, to)));
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void heapMergingEqualsGpt2sLoopOnRandomAndLongWords() {
        Map<String, Integer> ranks = new HashMap<>();
        List<Merge> merges = VocabFiles.readMerges(Gpt2Files.resource("vocab.bpe"));
        for (int r = 0; r < merges.size(); r++) ranks.put(merges.get(r).left() + " " + merges.get(r).right(), r);
        SplittableRandom rnd = new SplittableRandom(7);
        String alphabet = "aaaeeiioustnrlh  ,,..'";
        for (int t = 0; t < 300; t++) {
            int len = t < 290 ? 1 + rnd.nextInt(40) : 500 + rnd.nextInt(1500);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < len; i++) b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            byte[] bytes = b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int[] expected = plainBpe(bytes, ranks).stream().mapToInt(GPT2::tokenId).toArray();
            assertThat(GPT2.encodePiece(bytes)).as(b.toString()).containsExactly(expected);
        }
    }

    /** GPT-2's encoder.py loop, on strings: merge every occurrence of the best pair, repeat. */
    private static List<String> plainBpe(byte[] bytes, Map<String, Integer> ranks) {
        List<String> word = new ArrayList<>();
        for (byte x : bytes) word.add(String.valueOf(ByteLevel.charOf(x & 0xFF)));
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++)
                best = Math.min(best, ranks.getOrDefault(word.get(i) + " " + word.get(i + 1), Integer.MAX_VALUE));
            if (best == Integer.MAX_VALUE) break;
            List<String> merged = new ArrayList<>();
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && ranks.getOrDefault(word.get(i) + " " + word.get(i + 1), -1) == best) {
                    merged.add(word.get(i) + word.get(i + 1));
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }
}
