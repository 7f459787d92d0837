package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArticleCorrectorTest {

    private final ArticleCorrector stage = new ArticleCorrector(Lexicon.standard());

    @Test
    void anArticleBeforeAnUncountableNounGoes() {
        assertThat(stage.correct("He gave me an information about the course.")).isEqualTo("He gave me information about the course.");
        assertThat(stage.correct("Can you give me a good advice?")).isEqualTo("Can you give me good advice?");
        assertThat(stage.correct("What a nice weather!")).isEqualTo("What nice weather!");
        assertThat(stage.correct("She bought a new furniture and a very heavy luggage.")).isEqualTo("She bought new furniture and very heavy luggage.");
        assertThat(stage.correct("I have a homework to do today.")).isEqualTo("I have homework to do today.");
    }

    @Test
    void aJobOrPersonAfterBeTakesAnArticle() {
        assertThat(stage.correct("He is teacher.")).isEqualTo("He is a teacher.");
        assertThat(stage.correct("My brother is engineer at a big company.")).isEqualTo("My brother is an engineer at a big company.");
        assertThat(stage.correct("When I was child, I lived in Rome.")).isEqualTo("When I was a child, I lived in Rome.");
        assertThat(stage.correct("She wants to be good doctor and he became artist.")).isEqualTo("She wants to be a good doctor and he became an artist.");
        assertThat(stage.correct("She is student here.")).isEqualTo("She is a student here.");
    }

    @Test
    void leavesAloneWhatNeedsNoChange() {
        for (String s : new String[] {
                "He is a teacher and she is the doctor.",
                "She is my friend, and he is no doctor.",
                "He was President of the club and is Teacher of the Year.",
                "She is best student in the class.",
                "He is student council president.",
                "Who is artist Gunther Uecker?",
                "They were teachers, and the children are students.",
                "He is a software engineer with a weather report and a traffic light.",
                "She received a good education and a knowledge of French.",
                "There is a wealth of information and a lot of advice.",
                "It was a piece of furniture.",
                "We need an information desk.",
                "Metal evolves into a huge international music."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
