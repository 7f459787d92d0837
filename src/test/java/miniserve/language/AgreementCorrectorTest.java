package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgreementCorrectorTest {

    private final AgreementCorrector stage = new AgreementCorrector(Lexicon.standard());

    @Test
    void aPresentVerbTakesThePersonOfThePronounBeforeIt() {
        assertThat(stage.correct("She watch television and he like football.")).isEqualTo("She watches television and he likes football.");
        assertThat(stage.correct("It rain a lot, so they stays at home.")).isEqualTo("It rains a lot, so they stay at home.");
        assertThat(stage.correct("I calls my mother when we wants help.")).isEqualTo("I call my mother when we want help.");
        assertThat(stage.correct("She always go to school, but I still doesn't know why.")).isEqualTo("She always goes to school, but I still don't know why.");
    }

    @Test
    void auxiliariesTakeThePersonToo() {
        assertThat(stage.correct("He don't know and she have no time.")).isEqualTo("He doesn't know and she has no time.");
        assertThat(stage.correct("They has a car, you was late, I is tired.")).isEqualTo("They have a car, you were late, I am tired.");
        assertThat(stage.correct("We doesn't mind, it are fine.")).isEqualTo("We don't mind, it is fine.");
    }

    @Test
    void anAuxiliaryAfterANounSubjectTakesItsNumber() {
        assertThat(stage.correct("My sister have a car, but the teacher don't know.")).isEqualTo("My sister has a car, but the teacher doesn't know.");
        assertThat(stage.correct("The children was happy; my friends is here.")).isEqualTo("The children were happy; my friends are here.");
        assertThat(stage.correct("My uncle work in a factory; my daughter want a dog.")).isEqualTo("My uncle works in a factory; my daughter wants a dog.");
    }

    @Test
    void isBeforeAPluralSubjectBecomesAre() {
        assertThat(stage.correct("Where is my keys?")).isEqualTo("Where are my keys?");
        assertThat(stage.correct("Here is the documents you asked for.")).isEqualTo("Here are the documents you asked for.");
        assertThat(stage.correct("What was their reasons?")).isEqualTo("What were their reasons?");
    }

    @Test
    void leavesAloneWhatIsNoSubjectAndVerb() {
        for (String s : new String[] {
                "Does she like it?",                        // the subject of a question
                "Can he swim?",
                "I made it work and saw it happen.",        // objects
                "Any use of it is welcome, and any use by you is too.",  // objects of a preposition
                "Laura and I are friends.",                 // "I" is part of the subject
                "You guys are great and we students agree.",
                "If he were rich, she would be glad.",      // "were" may be a conditional
                "He always goes home.",
                "She put the book down.",                   // "put" is also the past
                "He cross examined the witness.",           // part of a verb the next word ends
                "They can swim and she must go.",
                "Does the teacher have time? The rest are here, the data are new.",
                "If the weather were fine, my glasses are here and the news is good.",
                "Mistakes that might have stopped it, if you or your employer do not agree.",
                "My mother tongue is French and my friend list was long.",
                "What is the sales tax? What is the news?",
                "Where is the glass? There is a class today.",
                "What is the means of payment?"}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }

    @Test
    void anAuxiliaryAfterASubjectThatNamesMoreThanOneIsPlural() {
        assertThat(stage.correct("Most of them is of high quality.")).isEqualTo("Most of them are of high quality.");
        assertThat(stage.correct("All of the students was late, and many of us has a car.")).isEqualTo("All of the students were late, and many of us have a car.");
        assertThat(stage.correct("Both Tina and Vicky is excellent.")).isEqualTo("Both Tina and Vicky are excellent.");
        assertThat(stage.correct("Both my brother and my sister doesn't eat meat.")).isEqualTo("Both my brother and my sister don't eat meat.");
    }

    @Test
    void aSubjectThatNamesOneOrEitherNumberKeepsItsAuxiliary() {
        for (String s : new String[] {
                "One of them is here, and each of them has a car.",
                "Some of the money is gone, and most of the staff is new.",
                "Most of this is true, and all of that was fun.",
                "He is both smart and funny.",
                "Both of them are here."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }

    @Test
    void anInvertedBeTakesTheNumberOfASingularSubject() {
        assertThat(stage.correct("What are the dress code?")).isEqualTo("What is the dress code?");
        assertThat(stage.correct("Where are the key to the door?")).isEqualTo("Where is the key to the door?");
    }

    @Test
    void wereAfterASingularNounIsWasUnlessTheSentenceMayBeUnreal() {
        assertThat(stage.correct("The place were old, but the food were good.")).isEqualTo("The place was old, but the food was good.");
        for (String s : new String[] {
                "If the weather were nice, we would go.",
                "I wish the house were bigger.",
                "There are a lot of people, and there are a few cars.",
                "What are the rules, and where are the keys?",
                "Here are the four easy steps, and here are the top ten most requested.",
                "Than the troops being issued the weapon were told it was clean."}) {
            assertThat(stage.correct(s)).as(s).isSameAs(s);
        }
    }
}
