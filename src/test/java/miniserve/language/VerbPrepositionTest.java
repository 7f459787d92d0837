package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerbPrepositionTest {

    private final VerbPreposition stage = new VerbPreposition(Lexicon.standard());

    @Test
    void theWrongPrepositionIsReplaced() {
        assertThat(stage.correct("It depends of the weather and I am interested about music.")).isEqualTo("It depends on the weather and I am interested in music.");
        assertThat(stage.correct("She was afraid from dogs.")).isEqualTo("She was afraid of dogs.");
    }

    @Test
    void theMissingPrepositionIsPutIn() {
        assertThat(stage.correct("They listen music and he explained me the rule.")).isEqualTo("They listen to music and he explained to me the rule.");
        assertThat(stage.correct("This book belongs my sister.")).isEqualTo("This book belongs to my sister.");
    }

    @Test
    void thePrepositionTooManyIsTakenOut() {
        assertThat(stage.correct("We discussed about the plan and she mentioned about it.")).isEqualTo("We discussed the plan and she mentioned it.");
    }

    @Test
    void leavesAloneWhatMayBeRight() {
        for (String s : new String[] {
                "He arrived to the station.",                      // "at" or "in"?
                "The answer to the question is a lack of time.",   // nouns
                "A visit to Rome, an approach to the problem.",
                "We entered into an agreement and met with them.", // sometimes right
                "She is married with two children.",
                "I was told to go and contacted them to ask.",     // infinitives
                "Please explain it and explain her plan.",
                "They listen carefully to music.",
                "Notify us by reply or by telephone, a reply or two."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
