package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NounNumberTest {

    private final NounNumber stage = new NounNumber(Lexicon.standard());

    @Test
    void aCountOrManyTakesThePlural() {
        assertThat(stage.correct("There are three book and 12 box here.")).isEqualTo("There are three books and 12 boxes here.");
        assertThat(stage.correct("Many person came for several day.")).isEqualTo("Many people came for several days.");
        assertThat(stage.correct("We have two child.")).isEqualTo("We have two children.");
    }

    @Test
    void aOrEveryTakesTheSingular() {
        assertThat(stage.correct("I have a books and every students has one.")).isEqualTo("I have a book and every student has one.");
        assertThat(stage.correct("They took a bunches of flowers.")).isEqualTo("They took a bunch of flowers.");
        assertThat(stage.correct("This shoes are expensive, but this costs nothing.")).isEqualTo("These shoes are expensive, but this costs nothing.");
    }

    @Test
    void leavesAloneWhatIsNoCountedNoun() {
        for (String s : new String[] {
                "We stayed in a five star hotel and drove a sports car.",
                "It is a means to an end, a series of talks.",
                "Two hundred people and three dozen eggs, five percent.",
                "Room 5 key is lost, take a 10 minute walk.",
                "Many say so and several work here.",
                "Two information sources gave advice.",
                "It costs two dollars, one book and 1 pen.",
                "More than 200 are on show, with 28 arrest warrants at four fabric stores.",
                "It became a category five storm with 1080 video.",
                "He took screenshots of two beheading video's.",
                "Many thanks for our 24 hour news-cycle lives, several aircraft, 20 year+ resident."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }

    @Test
    void thisAndTheseTakeTheNumberOfTheirNounInAnObjectsPlace() {
        assertThat(stage.correct("Life is hard in this countries.")).isEqualTo("Life is hard in these countries.");
        assertThat(stage.correct("How do they evaluate this properties?")).isEqualTo("How do they evaluate these properties?");
        assertThat(stage.correct("I was born in these country, for those reason.")).isEqualTo("I was born in this country, for that reason.");
        for (String s : new String[] {
                "He said this works, and I know this means a lot.",
                "I like these kind of films and this news.",
                "We need these people and those sheep.",
                "Apart from these there are others.",
                "Of THESE three, one is good.",
                "It is for those who know, for those eager to learn, and one of those hang on boxes."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
