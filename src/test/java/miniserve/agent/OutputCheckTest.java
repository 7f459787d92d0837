package miniserve.agent;

import miniserve.agent.OutputCheck.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutputCheckTest {

    private static Verdict check(String source, String output) {
        return OutputCheck.check(source, output, true, 64);
    }

    @Test
    void ordinaryCorrectionsAreAccepted() {
        assertThat(check("She go to school yesterday.", "She went to school yesterday.").accepted()).isTrue();
        assertThat(check("i has a apple", "I have an apple.").accepted()).isTrue();
        assertThat(check("Me go.", "I went.").accepted()).as("small sentences may change most of their words").isTrue();
        assertThat(check("Yesterday me and him goes to the school for learn.", "Yesterday he and I went to school to learn.").accepted())
                .isTrue();
        assertThat(check("He is here.", "He is here.").accepted()).isTrue();
    }

    @Test
    void anOutputWithoutItsEndTokenIsRefused() {
        Verdict v = OutputCheck.check("She go home.", "She goes home.", false, 48);
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("did not finish", "48 tokens");
    }

    @Test
    void anEmptyOutputIsRefused() {
        Verdict v = check("She go home.", "   ");
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("empty");
    }

    @Test
    void aDifferentSentenceIsRefused() {
        Verdict v = check("She go to school yesterday with her friend.", "The weather is nice and warm in the summer.");
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("shares only", "not a correction");
    }

    @Test
    void anOutputFarLongerThanTheSentenceIsRefused() {
        String source = "She go to school.";
        Verdict v = check(source, "She goes to school and then she goes home and then she eats dinner and sleeps.");
        assertThat(v.accepted()).isFalse();
    }

    @Test
    void anOutputOfBrokenBytesIsRefused() {
        Verdict v = check("She go home.", "She go\uFFFD home.");
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("not valid text");
    }

    @Test
    void anOutputThatIntroducesANonWordIsRefused() {
        Verdict v = check("She go to school yesterday.", "She goed to school yesterday.");
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("\"goed\"", "neither an English word");
        assertThat(check("She go to school with Ramona.", "She goes to school with Rmona.").accepted())
                .as("a made-up name").isFalse();
    }

    @Test
    void theLearnersOwnNamesAndNonWordsMayStay() {
        assertThat(check("Ramona go to school with Kwabena.", "Ramona goes to school with Kwabena.").accepted()).isTrue();
        assertThat(check("i visit paris on monday.", "I visit Paris on Monday.").accepted()).isTrue();
        assertThat(check("The xqzt is brokn.", "The xqzt is broken.").accepted())
                .as("an unknown word the learner wrote, and a spelling fixed").isTrue();
    }
}
