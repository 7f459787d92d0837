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

    @Test
    void aShortAdjectiveTakesItsOwnFormNotMoreOrMost() {
        assertThat(stage.correct("He is more tall than his brother.")).isEqualTo("He is taller than his brother.");
        assertThat(stage.correct("This box is more big than that one and more cheap than the red one.")).isEqualTo("This box is bigger than that one and cheaper than the red one.");
        assertThat(stage.correct("She is the most tall girl, and it is more easy than it looks.")).isEqualTo("She is the tallest girl, and it is easier than it looks.");
    }

    @Test
    void aLongAdjectiveOrOneWithoutThanKeepsMore() {
        for (String s : new String[] {
                "It is more beautiful than the sea and more modern than ours.",
                "She is more polite than him.",
                "We need more tall trees, and most big cities agree.",
                "It is more than tall.",
                "Midas has the most high tech equipment."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
