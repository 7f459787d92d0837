package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PronounCaseTest {

    private final PronounCase stage = new PronounCase(Lexicon.standard());

    @Test
    void aSubjectTakesTheSubjectForm() {
        assertThat(stage.correct("Me would like to invite you.")).isEqualTo("I would like to invite you.");
        assertThat(stage.correct("Them are late, and him will come later.")).isEqualTo("They are late, and he will come later.");
        assertThat(stage.correct("Me apologize for the delay.")).isEqualTo("I apologize for the delay.");
        assertThat(stage.correct("In the summer, our will interview them.")).isEqualTo("In the summer, we will interview them.");
    }

    @Test
    void anObjectAndAPossessiveTakeTheirForms() {
        assertThat(stage.correct("He never listens to I, so I left.")).isEqualTo("He never listens to me, so I left.");
        assertThat(stage.correct("It scared the life out of I.")).isEqualTo("It scared the life out of me.");
        assertThat(stage.correct("This was mine source, not yours share.")).isEqualTo("This was my source, not your share.");
        assertThat(stage.correct("They send them own pictures.")).isEqualTo("They send their own pictures.");
        assertThat(stage.correct("Drop by me house with me friends.")).isEqualTo("Drop by my house with my friends.");
    }

    @Test
    void leavesAlonePronounsInTheRightForm() {
        for (String s : new String[] {
                "Me and him went home.",
                "Let us have a look, and give me money.",
                "The one after him is taller than I.",
                "His does not work, but mine does.",
                "Her will was read, and my will states it.",
                "He gave it to me yesterday, and me too.",
                "A friend of mine came, yours truly.",
                "Between you and me, it works.",
                "He was yelling at me saying no, so that their is no doubt.",
                "I would like to compare them to mine thanks?"}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
