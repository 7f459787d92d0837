package miniserve.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JflegTextTest {

    @Test
    void detokenizesJflegConventions() {
        assertThat(JflegText.detokenize("I do n't know , he said . ")).isEqualTo("I don't know, he said.");
        assertThat(JflegText.detokenize("It 's true that we 're late and I 'm sorry ; really ! ")).isEqualTo("It's true that we're late and I'm sorry; really!");
        assertThat(JflegText.detokenize("over the last 5 0 years , in 2 0 0 6 and 1 0th 1 7-5 0 "))
                .isEqualTo("over the last 50 years, in 2006 and 10th 17-50");
        assertThat(JflegText.detokenize("Or , \" Is this right ? \" ( maybe ) 2 0 % "))
                .isEqualTo("Or, \"Is this right?\" (maybe) 20%");
        assertThat(JflegText.detokenize("in twenty years ' time ... ")).isEqualTo("in twenty years' time...");
        assertThat(JflegText.detokenize("wow ! ! ! and etc. . ")).isEqualTo("wow!!! and etc..");
        assertThat(JflegText.detokenize("")).isEmpty();
    }

    @Test
    void tokenizesOrdinaryTextTheJflegWay() {
        assertThat(JflegText.tokenize("I don't know, he said.")).isEqualTo("I do n't know , he said .");
        assertThat(JflegText.tokenize("In 2006 (the year) we won't go; it's 20% more!"))
                .isEqualTo("In 2 0 0 6 ( the year ) we wo n't go ; it 's 2 0 % more !");
        assertThat(JflegText.tokenize("He said \"hello\" and left...")).isEqualTo("He said \" hello \" and left ...");
        // a full stop inside a line stays on its word, as in JFLEG
        assertThat(JflegText.tokenize("I came by car. Then I left.")).isEqualTo("I came by car. Then I left .");
        // typographic characters become JFLEG's ASCII
        assertThat(JflegText.tokenize("It\u2019s \u201cgreat\u201d\u2026")).isEqualTo("It 's \" great \" ...");
        // words that only look like they end in punctuation keep it
        assertThat(JflegText.tokenize("heat(energy) and &raspsquo; and 4:they")).isEqualTo("heat(energy) and &raspsquo; and 4:they");
        assertThat(JflegText.tokenize("the students' books")).isEqualTo("the students ' books");
        assertThat(JflegText.tokenize("  ")).isEmpty();
    }

    /** The share of JFLEG dev lines that detokenize -> tokenize gives back exactly (modulo outer spaces). */
    static double roundTripShare(List<String> lines, List<String> failures) {
        int same = 0;
        for (String line : lines) {
            String expected = String.join(" ", Gleu.tokens(line));
            String back = JflegText.tokenize(JflegText.detokenize(line));
            if (back.equals(expected)) same++;
            else failures.add(expected + "  ->  " + back);
        }
        return (double) same / lines.size();
    }

    @Test
    void roundTripsJflegDevLines() {
        JflegSet dev = JflegSet.dev();
        List<String> failures = new ArrayList<>();
        // measured: 754/754 of dev.src and 3770/3770 lines of dev.src + refs
        assertThat(roundTripShare(dev.sources(), failures)).as("%s", failures).isGreaterThanOrEqualTo(0.99);
        for (List<String> ref : dev.references())
            assertThat(roundTripShare(ref, failures)).as("%s", failures).isGreaterThanOrEqualTo(0.99);
        // and detokenizing changes most lines (it is not the identity)
        long changed = dev.sources().stream().filter(l -> !JflegText.detokenize(l).equals(String.join(" ", Gleu.tokens(l)))).count();
        assertThat(changed).isGreaterThan(700);
    }

    @Test
    void tokenizingJflegTextLeavesItAsItIs() {
        int same = 0;
        List<String> src = JflegSet.dev().sources();
        for (String line : src) if (JflegText.tokenize(line).equals(String.join(" ", Gleu.tokens(line)))) same++;
        assertThat((double) same / src.size()).isGreaterThanOrEqualTo(0.99);
    }
}
