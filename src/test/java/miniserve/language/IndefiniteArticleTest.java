package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndefiniteArticleTest {

    @Test
    void judgesTheSoundNotTheLetter() {
        for (String w : new String[] {"apple", "egg", "idea", "orange", "umbrella", "hour", "honest", "heir", "FBI", "MBA", "HR",
                "uninteresting", "unimportant", "unidentified", "usher"})
            assertThat(IndefiniteArticle.startsWithVowelSound(w)).as(w).isTrue();
        for (String w : new String[] {"banana", "university", "unit", "user", "usual", "utility", "ubiquitous", "European",
                "ewe", "one", "one-day", "once", "house", "historic", "UN", "USB", "B", "8", "'em", ""})
            assertThat(IndefiniteArticle.startsWithVowelSound(w)).as(w).isFalse();
    }

    @Test
    void setsEachArticleByTheNextWordAndKeepsItsCase() {
        assertThat(IndefiniteArticle.correct("I ate a apple and an banana.")).isEqualTo("I ate an apple and a banana.");
        assertThat(IndefiniteArticle.correct("An university is a honest place.")).isEqualTo("A university is an honest place.");
        assertThat(IndefiniteArticle.correct("She waited a hour, an  hour and a 8-hour day.")).isEqualTo("She waited an hour, an  hour and a 8-hour day.");
        String clean = "He has a European car, a one-day pass and an FBI badge.";
        assertThat(IndefiniteArticle.correct(clean)).isSameAs(clean);
        // before a word in capitals the article is left as it is: an abbreviation or a shouted word
        String capitals = "It was a HUGE dog, an HUGE cat and a FBI agent.";
        assertThat(IndefiniteArticle.correct(capitals)).isSameAs(capitals);
    }

    @Test
    void aCapitalAInsideASentenceIsALetterNotAnArticle() {
        String plan = "Plan A is better than plan B.";
        assertThat(IndefiniteArticle.correct(plan)).isSameAs(plan);
        assertThat(IndefiniteArticle.correct("She got an A, an F and a A-level.")).isEqualTo("She got an A, an F and an A-level.");
        String end = "I need a";
        assertThat(IndefiniteArticle.correct(end)).isSameAs(end);
    }
}
