package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapitalsTest {

    private final Capitals stage = new Capitals(Lexicon.standard());

    @Test
    void thePronounIAndNamesTakeACapital() {
        assertThat(stage.correct("Now, i would argue that i'm right.")).isEqualTo("Now, I would argue that I'm right.");
        assertThat(stage.correct("We met on friday in july and spoke english.")).isEqualTo("We met on Friday in July and spoke English.");
        assertThat(stage.correct("Moving back to spain, I speak spanish well.")).isEqualTo("Moving back to Spain, I speak Spanish well.");
    }

    @Test
    void wordsThatAreAlsoOthersAreLeft() {
        for (String s : new String[] {
                "We may march in the street.",
                "The china cup came from turkey farms.",
                "See point (i) and item i. below.",
                "It is already capitalised: I met Anna on Monday.",
                "A nice greek bar, a mexican place and air asia.",
                "Is it ok in french culture?"}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
