package miniserve.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GleuRandom against draws of CPython 3's random module (fixture written by make_python_random.py). */
class GleuRandomTest {

    private static JsonNode fixture() throws Exception {
        return new ObjectMapper().readTree(Path.of(GleuRandomTest.class.getResource("/gleu/python_random.json").toURI()).toFile());
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isTextual() ? Long.parseLong(n.asText()) : n.longValue()));
        return out;
    }

    @Test
    void matchesCPythonForEverySeedAndMethod() throws Exception {
        JsonNode cases = fixture().get("cases");
        assertThat(cases.size()).isGreaterThan(10);
        for (JsonNode c : cases) {
            GleuRandom r = new GleuRandom(new BigInteger(c.get("seed").asText()));
            String seed = "seed " + c.get("seed").asText();
            List<Long> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) got.add(r.getrandbits(32));
            assertThat(got).as(seed).isEqualTo(longs(c.get("getrandbits32")));
            got.clear();
            for (int k : new int[]{1, 2, 3, 7, 31}) got.add(r.getrandbits(k));
            assertThat(got).as(seed).isEqualTo(longs(c.get("getrandbits_1_2_3_7_31")));
            got.clear();
            for (int k : new int[]{33, 48, 63}) got.add(r.getrandbits(k));
            assertThat(got).as(seed).isEqualTo(longs(c.get("getrandbits_33_48_63")));
            for (JsonNode f : c.get("random")) assertThat(r.random()).as(seed).isEqualTo(Double.parseDouble(f.asText()));
            got.clear();
            for (int i = 0; i < 20; i++) got.add(r.randint(0, 3));
            assertThat(got).as(seed).isEqualTo(longs(c.get("randint_0_3")));
            got.clear();
            for (int n : new int[]{1, 2, 3, 5, 1000, Integer.MAX_VALUE}) got.add((long) r.choiceIndex(n));
            assertThat(got).as(seed).isEqualTo(longs(c.get("choice_1_2_3_5_1000_2pow31m1")));
            got.clear();
            for (int i = 0; i < 3; i++) got.add(r.randint(-5, 1L << 40));
            assertThat(got).as(seed).isEqualTo(longs(c.get("randint_m5_2pow40")));
        }
    }

    @Test
    void reproducesTheJflegScorersReferenceDraws() throws Exception {
        JsonNode draws = fixture().get("jfleg_draws");
        int iterations = draws.get("iterations").intValue(), sentences = draws.get("sentences").intValue();
        List<String> lines = new ArrayList<>();
        for (int j = 0; j < iterations; j++) {
            GleuRandom r = new GleuRandom(j * 101L);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < sentences; i++) b.append(r.randint(0, 3));
            lines.add(b.toString());
        }
        for (int j = 0; j < 3; j++) assertThat(lines.get(j)).isEqualTo(draws.get("first").get(j).asText());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(draws.get("sha256").asText());
    }

    @Test
    void rejectsEmptyRanges() {
        GleuRandom r = new GleuRandom(1);
        assertThatThrownBy(() -> r.randint(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.choiceIndex(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
