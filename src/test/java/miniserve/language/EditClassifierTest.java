package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EditClassifierTest {

    static final EditClassifier CLASSIFIER = new EditClassifier();

    private static Edit only(String learner, String corrected) {
        List<Edit> edits = CLASSIFIER.edits(learner, corrected);
        assertThat(edits).as("edits of %s -> %s", learner, corrected).hasSize(1);
        return edits.get(0);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            I ate a apple.                        | I ate an apple.                        | ARTICLE
            She is an teacher.                    | She is a teacher.                      | ARTICLE
            I saw cat in the garden.              | I saw a cat in the garden.             | ARTICLE
            He plays the football every day.      | He plays football every day.           | ARTICLE
            This books are mine.                  | These books are mine.                  | ARTICLE
            There are much problems.              | There are many problems.               | ARTICLE
            I am interested on music.             | I am interested in music.              | PREPOSITION
            We discussed about the plan.          | We discussed the plan.                 | PREPOSITION
            I listen music every day.             | I listen to music every day.           | PREPOSITION
            He go to school.                      | He goes to school.                     | AGREEMENT
            They goes to school.                  | They go to school.                     | AGREEMENT
            The children is happy.                | The children are happy.                | AGREEMENT
            She don't like it.                    | She doesn't like it.                   | AGREEMENT
            They was late.                        | They were late.                        | AGREEMENT
            Yesterday I go to the cinema.         | Yesterday I went to the cinema.        | TENSE
            Last year she is in Paris.            | Last year she was in Paris.            | TENSE
            I have seen him yesterday.            | I saw him yesterday.                   | TENSE
            She has visited Rome last year.       | She visited Rome last year.            | TENSE
            He buyed a new coat.                  | He bought a new coat.                  | VERB_FORM
            She dont like it.                     | She doesn't like it.                   | AGREEMENT
            I have writed to her.                 | I have written to her.                 | VERB_FORM
            He can goes home now.                 | He can go home now.                    | VERB_FORM
            I want to going home.                 | I want to go home.                     | VERB_FORM
            I have went there twice.              | I have gone there twice.               | VERB_FORM
            She is go to school now.              | She is going to school now.            | VERB_FORM
            He didn't went home.                  | He didn't go home.                     | VERB_FORM
            The house was build in 1900.          | The house was built in 1900.           | VERB_FORM
            I need some informations.             | I need some information.               | NOUN_NUMBER
            The childs are playing.               | The children are playing.              | NOUN_NUMBER
            I have two car.                       | I have two cars.                       | NOUN_NUMBER
            She has many friend.                  | She has many friends.                  | NOUN_NUMBER
            It was a books.                       | It was a book.                         | NOUN_NUMBER
            I recieved your letter.               | I received your letter.                | SPELLING
            This is definately true.              | This is definitely true.               | SPELLING
            I like it alot.                       | I like it a lot.                       | SPELLING
            I dont know.                          | I don't know.                          | PUNCTUATION
            However I think so.                   | However, I think so.                   | PUNCTUATION
            I think so                            | I think so.                            | PUNCTUATION
            Is it true.                           | Is it true?                            | PUNCTUATION
            i think so.                           | I think so.                            | CAPITALIZATION
            the cat sleeps.                       | The cat sleeps.                        | CAPITALIZATION
            I speak english.                      | I speak English.                       | CAPITALIZATION
            Me and him went home.                 | I and him went home.                   | PRONOUN
            She gave the book to he.              | She gave the book to him.              | PRONOUN
            They lost them keys.                  | They lost their keys.                  | PRONOUN
            Is raining today.                     | It is raining today.                   | PRONOUN
            She going to school.                  | She is going to school.                | VERB_FORM
            I am agree with you.                  | I agree with you.                      | VERB_FORM
            He drives very careful.               | He drives very carefully.              | ADJ_ADV
            She sings good.                       | She sings well.                        | ADJ_ADV
            It is a beautifully house.            | It is a beautiful house.               | ADJ_ADV
            She has a car red.                    | She has a red car.                     | WORD_ORDER
            I like very much it.                  | I like it very much.                   | WORD_ORDER
            Their is a problem.                   | There is a problem.                    | WORD_CHOICE
            He is taller then me.                 | He is taller than me.                  | WORD_CHOICE
            Its raining.                          | It's raining.                          | WORD_CHOICE
            I will make my homework.              | I will do my homework.                 | WORD_CHOICE
            The weather is very hot.              | The weather is very warm.              | WORD_CHOICE
            """)
    void namesTheKindOfError(String learner, String corrected, ErrorType expected) {
        Edit e = only(learner, corrected);
        assertThat(e.type()).as(e.explanation()).isEqualTo(expected);
        assertThat(e.explanation()).isNotBlank().endsWith(".");
    }

    @Test
    void explainsInTermsOfTheSentence() {
        assertThat(only("I ate a apple.", "I ate an apple.").explanation())
                .isEqualTo("Use 'an' before a vowel sound: 'an apple'.");
        assertThat(only("The childs are playing.", "The children are playing.").explanation())
                .isEqualTo("'childs' → 'children': 'child' has an irregular plural.");
        assertThat(only("I need some informations.", "I need some information.").explanation())
                .contains("'information' is uncountable");
        assertThat(only("He can goes home now.", "He can go home now.").explanation())
                .isEqualTo("After 'can', use the base form of the verb: 'go'.");
        Edit question = only("Does he plays tennis?", "Does he play tennis?");
        assertThat(question.type()).as("not agreement: the verb follows the question's 'does'").isEqualTo(ErrorType.VERB_FORM);
        assertThat(question.explanation()).isEqualTo("After 'Does he', use the base form of the verb: 'play'.");
        Edit more = only("She is more taller than me.", "She is taller than me.");
        assertThat(more.type()).isEqualTo(ErrorType.ADJ_ADV);
        assertThat(more.explanation()).isEqualTo("'taller' is already the comparative: no 'more' before it.");
        assertThat(only("We discussed about the plan.", "We discussed the plan.").explanation())
                .isEqualTo("No preposition is needed after 'discussed': 'discussed the plan'.");
        assertThat(only("It depends of the weather.", "It depends on the weather.").explanation())
                .isEqualTo("The preposition here is 'on', not 'of': 'depends on the weather'.");
        Edit to = only("I must to go.", "I must go.");
        assertThat(to.type()).isEqualTo(ErrorType.VERB_FORM);
        assertThat(to.explanation()).isEqualTo("After 'must', the verb follows without 'to': 'must go'.");
        assertThat(only("I dont know.", "I don't know.").explanation())
                .isEqualTo("'don't' needs an apostrophe: it is short for 'do not'.");
        assertThat(only("I recieved your letter.", "I received your letter.").explanation())
                .isEqualTo("'recieved' is misspelt: write 'received'.");
        assertThat(only("i think so.", "I think so.").explanation()).contains("'I'");
        assertThat(only("I listen music every day.", "I listen to music every day.").explanation())
                .isEqualTo("'listen' needs 'to' here: 'listen to music'.");
        assertThat(only("She dont like it.", "She doesn't like it.").explanation())
                .isEqualTo("With 'he', 'she', 'it' or a singular subject, the present verb ends in -s: 'doesn't', written with an apostrophe.");
        assertThat(only("She goed home.", "She went home.").explanation())
                .isEqualTo("'go' is irregular: write 'went', not 'goed'.");
        assertThat(only("She has visited Rome last year.", "She visited Rome last year.").explanation())
                .isEqualTo("With a finished time such as 'yesterday' or 'last year', use the past simple 'visited', not 'has visited'.");
    }

    @Test
    void reportsSpansOriginalAndReplacementInTheLearnersSentence() {
        List<Edit> edits = CLASSIFIER.edits("Yesterday i go to the the park", "Yesterday I went to the park.");
        assertThat(edits).extracting(Edit::start, Edit::end, Edit::original, Edit::replacement, Edit::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, 2, "i", "I", ErrorType.CAPITALIZATION),
                org.assertj.core.groups.Tuple.tuple(2, 3, "go", "went", ErrorType.TENSE),
                org.assertj.core.groups.Tuple.tuple(5, 6, "the", "", ErrorType.ARTICLE),
                org.assertj.core.groups.Tuple.tuple(7, 7, "", ".", ErrorType.PUNCTUATION));
        assertThat(CLASSIFIER.edits("Nothing to fix here.", "Nothing to fix here.")).isEmpty();
    }

    @Test
    void aMisspellingIsALearnersWordWithinAnEditOrTwoNotASymbolOrAnAcronymRewritten() {
        for (String[] fix : new String[][]{{"I recieved your letter.", "I received your letter."},
                {"I will come tommorow.", "I will come tomorrow."}, {"It was a beautifull day.", "It was a beautiful day."},
                {"Wich bus goes there?", "Which bus goes there?"}, {"We went to the libary.", "We went to the library."}}) {
            Edit e = only(fix[0], fix[1]);
            assertThat(e.type()).as(e.toString()).isEqualTo(ErrorType.SPELLING);
            assertThat(CLASSIFIER.names(e)).isTrue();
        }
        // what a small model made of a symbol, an acronym or a name it could not copy: not named, so not made
        for (String[] drift : new String[][]{{"Took 1+ hour to deliver.", "Took 1 tried hour to deliver."},
                {"People I know at ENE.", "People I know at already."},
                {"The annual APEC meeting.", "The annual AP meeting."},
                {"I met Zarqawa there.", "I met Sarah there."}}) {
            Edit e = CLASSIFIER.edits(drift[0], drift[1]).getFirst();
            assertThat(e.type()).as(e.toString()).isNotEqualTo(ErrorType.SPELLING);
            assertThat(CLASSIFIER.names(e)).as(e.toString()).isFalse();
        }
        assertThat(EditClassifier.editsApart("recieved", "received")).isEqualTo(1);
        assertThat(EditClassifier.editsApart("tommorow", "tomorrow")).isEqualTo(2);
        assertThat(EditClassifier.editsApart("", "abc")).isEqualTo(3);
        assertThat(EditClassifier.editsApart("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void unknownRewritesFallBackToOther() {
        Edit e = only("I very like it.", "I really enjoy it.");
        assertThat(e.type()).isEqualTo(ErrorType.OTHER);
        assertThat(e.explanation()).isEqualTo("Rewrite 'very like' as 'really enjoy'.");
    }

    @Test
    void namesEveryKindButRewritesAndWordsOutsideTheConfusionSets() {
        assertThat(CLASSIFIER.names(only("I ate a apple.", "I ate an apple."))).isTrue();
        assertThat(CLASSIFIER.names(only("He go to school.", "He goes to school."))).isTrue();
        assertThat(CLASSIFIER.names(only("i like it.", "I like it."))).isTrue();
        Edit confused = only("I like there house.", "I like their house.");
        assertThat(confused.type()).isEqualTo(ErrorType.WORD_CHOICE);
        assertThat(CLASSIFIER.names(confused)).as("a confusion set's word for another").isTrue();
        Edit unrelated = only("I like the red house.", "I like the green house.");
        assertThat(unrelated.type()).isEqualTo(ErrorType.WORD_CHOICE);
        assertThat(CLASSIFIER.names(unrelated)).as("one word for an unrelated one").isFalse();
        Edit rewrite = only("We drove to Mountain View.", "We drove to Mountain Visions Park.");
        assertThat(rewrite.type()).isEqualTo(ErrorType.OTHER);
        assertThat(CLASSIFIER.names(rewrite)).isFalse();
        List<Edit> withFullStop = CLASSIFIER.edits("She has two friend", "She has two friends.");
        assertThat(withFullStop).extracting(Edit::type).containsExactly(ErrorType.NOUN_NUMBER, ErrorType.PUNCTUATION);
        assertThat(withFullStop).allMatch(CLASSIFIER::names);
    }
}
