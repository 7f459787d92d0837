package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentenceStartTest {

    @Test
    void capitalisesALowerCaseFirstWordOnly() {
        assertThat(SentenceStart.capitalise("my friend lives in london.")).isEqualTo("My friend lives in london.");
        assertThat(SentenceStart.capitalise("  \"yes,\" she said.")).isEqualTo("  \"Yes,\" she said.");
        assertThat(SentenceStart.capitalise("i'm here.")).isEqualTo("I'm here.");
    }

    @Test
    void leavesCapitalsMixedCaseNumbersAndEmptyText() {
        for (String s : new String[] {"My friend is here.", "iPhone sales rose.", "eBay is down.", "3 cats sleep.", "", "  ", "..."})
            assertThat(SentenceStart.capitalise(s)).as(s).isSameAs(s);
    }
}
