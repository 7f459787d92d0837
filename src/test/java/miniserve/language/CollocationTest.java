package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CollocationTest {

    private final Collocation stage = new Collocation(Lexicon.standard());

    @Test
    void aNounOrObjectTakesItsOwnVerb() {
        assertThat(stage.correct("I did a big mistake in the test.")).isEqualTo("I made a big mistake in the test.");
        assertThat(stage.correct("She makes her homework and we are doing many mistakes.")).isEqualTo("She does her homework and we are making many mistakes.");
        assertThat(stage.correct("He said me the truth, so say us what you know.")).isEqualTo("He told me the truth, so tell us what you know.");
        assertThat(stage.correct("We have to do a decision and make the dishes.")).isEqualTo("We have to make a decision and do the dishes.");
        assertThat(stage.correct("I am very interesting in music and she is exciting about the trip.")).isEqualTo("I am very interested in music and she is excited about the trip.");
    }

    @Test
    void leavesAloneWhatIsRight() {
        for (String s : new String[] {
                "Do mistakes matter? Did mistakes happen?",
                "I said it, and I'd say you are right.",
                "They make a mistake rate chart and do a lot of work.",
                "She said her homework was done.",
                "It is interesting in many ways, and you are exciting about nothing."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
