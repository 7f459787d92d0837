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

    @Test
    void numbersAndAddressesMustBeKeptAsWritten() {
        Verdict v = check("The two companies employ 12,000 and 8,000 people.", "The two companies employ 12,000,000,000 people.");
        assertThat(v.accepted()).isFalse();
        assertThat(v.reason()).contains("\"12,000\"", "number or address");
        assertThat(check("Write to me at anna@example.org please.", "Write to me at anna@example.com please.").reason())
                .contains("\"anna@example.org\"");
        assertThat(check("Our web address is information.accenture.com.", "Our web address is accenture.com.").accepted())
                .isFalse();
        assertThat(check("The meeting is at 10:30 in room 4.", "The meeting is at 10:30 in room 14.").reason())
                .as("a number the learner did not write").contains("\"4\"");
        assertThat(check("I has 3 cat.", "I have 3 cats and 2 dogs.").reason())
                .as("a number added").contains("\"2\"");
    }

    @Test
    void numbersAndAddressesKeptAsWrittenMayStandInACorrection() {
        assertThat(check("I has 3 cat.", "I have 3 cats.").accepted()).isTrue();
        assertThat(check("The meeting are at 10:30 (room 4).", "The meeting is at 10:30 (room 4).").accepted())
                .as("punctuation around a number is not part of it").isTrue();
        assertThat(check("see www.example.com for more", "See www.example.com for more.").accepted())
                .as("the address at a sentence's end, with the full stop added").isTrue();
        assertThat(check("On 3 may we meets in 2 rooms.", "On 3 May we meet in 2 rooms.").accepted()).isTrue();
    }
}
