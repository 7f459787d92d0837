package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimePrepositionTest {

    @Test
    void aDayTakesOnAMonthOrAYearInAClockTimeAt() {
        assertThat(TimePreposition.correct("I saw her in Monday and we met at Sundays.")).isEqualTo("I saw her on Monday and we met on Sundays.");
        assertThat(TimePreposition.correct("She was born on July, at 1990.")).isEqualTo("She was born in July, in 1990.");
        assertThat(TimePreposition.correct("In Friday we start on 9 o'clock.")).isEqualTo("On Friday we start at 9 o'clock.");
        assertThat(TimePreposition.correct("We run at the morning.")).isEqualTo("We run in the morning.");
    }

    @Test
    void aLengthOfTimeTakesFor() {
        assertThat(TimePreposition.correct("I have lived here since two years and worked during three months.")).isEqualTo("I have lived here for two years and worked for three months.");
        assertThat(TimePreposition.correct("He has waited since a week.")).isEqualTo("He has waited for a week.");
    }

    @Test
    void leavesAloneWhatIsRight() {
        for (String s : new String[] {
                "Send it by Monday, until July or from 2010.",
                "We met on July 4 and again since Monday, on August 17th!",
                "It rained during a week in May and during the two years after.",
                "They sold it on 2000 computers at 2010 prices.",
                "I left since two years ago was enough.",
                "On Monday we start in the morning at 9 o'clock."}) {
            assertThat(TimePreposition.correct(s)).as(s).isSameAs(s);
        }
    }
}
