package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuestionOrderTest {

    private final QuestionOrder stage = new QuestionOrder(Lexicon.standard());

    @Test
    void theAuxiliaryGoesBeforeTheSubject() {
        assertThat(stage.correct("Where we do vote?")).isEqualTo("Where do we vote?");
        assertThat(stage.correct("Why you are sad?")).isEqualTo("Why are you sad?");
        assertThat(stage.correct("What you have done?")).isEqualTo("What have you done?");
        assertThat(stage.correct("What I can do?")).isEqualTo("What can I do?");
    }

    @Test
    void leavesAloneWhatIsNoSuchQuestion() {
        for (String s : new String[] {
                "Where do we vote?",
                "What we do is our business.",
                "Do you know where we are?",
                "Why they left, nobody knows?",
                "Who is he?",
                "What should I do?",
                "What could it be?",
                "How many books she has?",                   // "does she have": more than an order
                "What she has?"}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
