package miniserve.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GleuTest {

    private static final JflegSet DEV = JflegSet.dev();

    @Test
    void copyingTheSourceScores0_3820OnJflegDev() {
        Gleu.Score score = DEV.gleu().score(DEV.sources());
        assertThat(score.mean()).isCloseTo(0.3820, within(0.0001));
        assertThat(score.ciLow()).isCloseTo(score.mean() - 1.959963984540054 * score.std(), within(1e-12));
    }

    /** Every case the JFLEG scorer was run on (fixture jfleg_dev_expected.json), to 1e-12. */
    @Test
    void matchesTheJflegScorerOnEveryRecordedCase() throws Exception {
        JsonNode fixture = new ObjectMapper().readTree(
                Path.of(GleuTest.class.getResource("/gleu/jfleg_dev_expected.json").toURI()).toFile());
        assertThat(fixture.get("cases").size()).isGreaterThanOrEqualTo(10);
        Gleu allRefs = DEV.gleu();
        for (JsonNode c : fixture.get("cases")) {
            List<List<String>> refs = new ArrayList<>();
            if (c.has("refs")) c.get("refs").forEach(k -> refs.add(DEV.references().get(k.intValue())));
            Gleu gleu = refs.isEmpty() ? allRefs : new Gleu(DEV.sources(), refs);
            Gleu.Score s = gleu.score(hypotheses(c.get("hyp").asText()), c.get("iterations").intValue());
            String what = c.toString();
            assertThat(s.mean()).as(what).isCloseTo(c.get("mean").doubleValue(), within(1e-12));
            assertThat(s.std()).as(what).isCloseTo(c.get("std").doubleValue(), within(1e-12));
        }
    }

    private static List<String> hypotheses(String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < DEV.sources().size(); i++) {
            String src = DEV.sources().get(i);
            out.add(switch (name) {
                case "src" -> src;
                case "ref0", "ref1", "ref2", "ref3" -> DEV.references().get(name.charAt(3) - '0').get(i);
                case "reversed" -> {
                    List<String> t = new ArrayList<>(List.of(Gleu.tokens(src)));
                    Collections.reverse(t);
                    yield String.join(" ", t);
                }
                case "lower" -> src.toLowerCase(Locale.ROOT);
                case "half_ref1" -> {
                    String[] t = Gleu.tokens(DEV.references().get(1).get(i));
                    yield String.join(" ", List.of(t).subList(0, t.length / 2));
                }
                case "empty" -> "";
                default -> throw new IllegalArgumentException(name);
            });
        }
        return out;
    }

    @Test
    void scoresASmallCorpusByHand() {
        // one sentence, one reference: hyp "a b c d" vs ref "a b c e", source "a b x d"
        // matches: n=1: {a,b,c}=3 minus source-only {x,d}∩hyp = d -> 2; n=2: {ab,bc}=2 minus {bx,xd}∩hyp=0 -> 2;
        // n=3: {abc}=1 -> 1; n=4: 0 -> corpus GLEU 0
        Gleu one = new Gleu(List.of("a b x d"), List.of(List.of("a b c e")));
        assertThat(one.score(List.of("a b c d"), 1).mean()).isZero();
        // hyp = ref: all precisions 1, no brevity penalty
        assertThat(one.score(List.of("a b c e"), 1).mean()).isCloseTo(1.0, within(1e-15));
        // two sentences summed: hyp = ref on a long one, and a 1-token miss that only adds to the unigram total
        Gleu two = new Gleu(List.of("p q r s t", "z"), List.of(List.of("p q r s t", "y")));
        double expected = Math.exp(0.25 * (Math.log(5.0 / 6) + Math.log(4.0 / 4) + Math.log(3.0 / 3) + Math.log(2.0 / 2)));
        assertThat(two.score(List.of("p q r s t", "w"), 3).mean()).isCloseTo(expected, within(1e-15));
        // keeping the source's "x" (which the reference changed) costs one match at every order
        Gleu penalty = new Gleu(List.of("a b c d e f g x"), List.of(List.of("a b c d e f g h")));
        double kept = Math.exp(0.25 * (Math.log(6.0 / 8) + Math.log(5.0 / 7) + Math.log(4.0 / 6) + Math.log(3.0 / 5)));
        assertThat(penalty.score(List.of("a b c d e f g x"), 1).mean()).isCloseTo(kept, within(1e-15));
        // a shorter hypothesis pays the brevity penalty exp(1 - r/c)
        Gleu brevity = new Gleu(List.of("a b c d e f"), List.of(List.of("a b c d e f")));
        double penalised = Math.exp(1 - 6.0 / 5);
        assertThat(brevity.score(List.of("a b c d e"), 1).mean()).isCloseTo(penalised, within(1e-15));
    }

    @Test
    void splitsLikePythonsStrSplit() {
        assertThat(Gleu.tokens("  a\tb \u00a0c\u3000d\u001ce \n")).containsExactly("a", "b", "c", "d", "e");
        assertThat(Gleu.tokens("")).isEmpty();
        assertThat(Gleu.tokens("a\u200bb")).containsExactly("a\u200bb"); // zero-width space is not white space
    }

    @Test
    void rejectsMisalignedInput() {
        assertThatThrownBy(() -> new Gleu(List.of("a"), List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new Gleu(List.of("a", "b"), List.of(List.of("a")))).hasMessageContaining("reference set 0");
        assertThatThrownBy(() -> DEV.gleu().score(List.of("x"))).hasMessageContaining("1 hypotheses for 754");
    }
}
