package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DoubleComparativeTest {

    private final DoubleComparative stage = new DoubleComparative(Lexicon.standard());

    @Test
    void moreOrMostBeforeTheAdjectivesOwnFormGoes() {
        assertThat(stage.correct("She is more taller and more happier than me.")).isEqualTo("She is taller and happier than me.");
        assertThat(stage.correct("It is the most biggest house and the most best food.")).isEqualTo("It is the biggest house and the best food.");
    }

    @Test
    void leavesAloneWhatIsNoDoubledComparison() {
        for (String s : new String[] {
                "We need more water and more power.",
                "She is more careful and the most beautiful.",
                "Most teachers agree, and more dinners are planned."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
