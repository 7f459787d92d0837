package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComparisonTest {

    private final Comparison stage = new Comparison(Lexicon.standard());

    @Test
    void moreOrMostBeforeTheAdjectivesOwnFormGoes() {
        assertThat(stage.correct("She is more taller and more happier than me.")).isEqualTo("She is taller and happier than me.");
        assertThat(stage.correct("It is the most biggest house and the most best food.")).isEqualTo("It is the biggest house and the best food.");
        assertThat(stage.correct("It is more better.")).isEqualTo("It is better.");
    }

    @Test
    void aSuperlativeBeforeItsNounTakesThe() {
        assertThat(stage.correct("It is in most recent version, one of best teachers.")).isEqualTo("It is in the most recent version, one of the best teachers.");
        assertThat(stage.correct("I waited for longest time and chose biggest room.")).isEqualTo("I waited for the longest time and chose the biggest room.");
    }

    @Test
    void leavesAloneWhatIsNoDoubledComparison() {
        for (String s : new String[] {
                "We need more water and more power.",
                "She is more careful and the most beautiful.",
                "Most teachers agree, and more dinners are planned.",
                "She is most modest, at least at best.",
                "In most cases, for best results, her biggest fan is the most honest man.",
                "Best regards, and at latest news it is most likely."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
