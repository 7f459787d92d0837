package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerbFormCorrectorTest {

    private final VerbFormCorrector stage = new VerbFormCorrector(Lexicon.standard());

    @Test
    void aModalOrANegativeDoTakesTheBaseForm() {
        assertThat(stage.correct("He can plays the piano and she will goes home.")).isEqualTo("He can play the piano and she will go home.");
        assertThat(stage.correct("I didn't knew him, they don't likes it, we won't went.")).isEqualTo("I didn't know him, they don't like it, we won't go.");
    }

    @Test
    void aQuestionsDoGovernsTheVerbAfterItsSubject() {
        assertThat(stage.correct("Did she finished her homework?")).isEqualTo("Did she finish her homework?");
        assertThat(stage.correct("Where do we voted?")).isEqualTo("Where do we vote?");
        assertThat(stage.correct("Yes, did they went home?")).isEqualTo("Yes, did they go home?");
    }

    @Test
    void aModalTakesNoTo() {
        assertThat(stage.correct("I must to go now.")).isEqualTo("I must go now.");
        assertThat(stage.correct("You should to call her.")).isEqualTo("You should call her.");
        assertThat(stage.correct("She can to swim very well.")).isEqualTo("She can swim very well.");
    }

    @Test
    void haveTakesThePastParticiple() {
        assertThat(stage.correct("My piece has appear at Newsday and they have acquire it.")).isEqualTo("My piece has appeared at Newsday and they have acquired it.");
        assertThat(stage.correct("I haven't decide yet.")).isEqualTo("I haven't decided yet.");
    }

    @Test
    void leavesAloneWhatIsNoAuxiliaryAndItsVerb() {
        for (String s : new String[] {
                "His will states that she can swim.",       // a noun
                "Will goes to school every day.",           // a name
                "We did all we could to help.",             // "could" ends its clause
                "I'll do what I can to help, as much as we can to make it.",
                "Did you guys see it?",                     // a noun's plural after the pronoun
                "They didn't was there.",                   // "be": "wasn't" is meant, not "be"
                "I think they did it looked fine.",         // "did" is no question's
                "She can read and he can put it away.",     // base forms already
                "I didn't saw it and he couldn't found it.", // "saw" and "found" are also verbs' base forms
                "You must be tired.",
                "We have work to do and they had lunch.",    // "have" with a noun
                "You had better go, they have to go.",
                "We have seen it and they have come."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }

    @Test
    void verbPatternsTakeTheirOwnForm() {
        assertThat(stage.correct("I enjoy to swim in the sea.")).isEqualTo("I enjoy swimming in the sea.");
        assertThat(stage.correct("He finished to eat his dinner.")).isEqualTo("He finished eating his dinner.");
        assertThat(stage.correct("I look forward to hear from you.")).isEqualTo("I look forward to hearing from you.");
        assertThat(stage.correct("We are looking forward to see you.")).isEqualTo("We are looking forward to seeing you.");
        assertThat(stage.correct("Let him to go home.")).isEqualTo("Let him go home.");
        assertThat(stage.correct("My mother made me to clean my room.")).isEqualTo("My mother made me clean my room.");
    }

    @Test
    void toBeforeANounOrAfterItIsLeft() {
        for (String s : new String[] {
                "He made it to the final.",
                "I enjoyed it to the end.",
                "She looks forward to the trip.",
                "They let us to the front of the queue.",
                "I want to swim and you need to eat.",
                "It takes practice to learn, and he quit to join the army."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }

    @Test
    void tooBeforeAnInfinitiveIsTo() {
        assertThat(stage.correct("I would like too invite you.")).isEqualTo("I would like to invite you.");
        assertThat(stage.correct("They will start too rot, so I went to see her too have a look.")).isEqualTo("They will start to rot, so I went to see her to have a look.");
    }

    @Test
    void tooThatMeansAlsoOrMoreIsLeft() {
        for (String s : new String[] {
                "It is too late and I ate too much.",
                "Thank you too, and they too have a car.",
                "The people too have a right, and my kids too want one.",
                "I love it too, me too."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }

    @Test
    void aPastAfterToIsTheBaseForm() {
        assertThat(stage.correct("They attempted to won back their favor, and it is hard to said.")).isEqualTo("They attempted to win back their favor, and it is hard to say.");
        assertThat(stage.correct("I wanted to went home.")).isEqualTo("I wanted to go home.");
        for (String s : new String[] {
                "We sold it to used car dealers and went to bed.",
                "It was next to finished goods, all gone to waste.",
                "He has been to Paris, and she came to.",
                "They want to found a company, turn to left, and sell to paid subscribers.",
                "The man we spoke to said he'd come.",
                "ENA has suggested to date, and I was suggested to buy it."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
