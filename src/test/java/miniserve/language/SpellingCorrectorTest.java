package miniserve.language;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpellingCorrectorTest {

    private static final Lexicon LEX = Lexicon.standard();
    private final SpellingCorrector spelling = new SpellingCorrector(LEX);

    @Test
    void correctsEachKindOfSlipToTheCommonestWordNearIt() {
        assertThat(spelling.correction("recieved")).isEqualTo("received");   // neighbours swapped
        assertThat(spelling.correction("srevice")).isEqualTo("service");     // neighbours swapped
        assertThat(spelling.correction("thhat")).isEqualTo("that");          // letter added
        assertThat(spelling.correction("becuse")).isEqualTo("because");      // letter dropped
        assertThat(spelling.correction("autcion")).isEqualTo("auction");
        assertThat(spelling.correction("languege")).isEqualTo("language");   // letter changed
        assertThat(spelling.correction("tomorow")).isEqualTo("tomorrow");    // letter dropped
        // "written" is commoner, but 'r' for 'n' is no likely slip; a doubled letter is
        assertThat(spelling.correction("writter")).isEqualTo("writer");
    }

    /** A learner's regular past of an irregular verb is a verb form for the model, not a typo: one slip away lie wrong words. */
    @Test
    void leavesRegularPastsOfIrregularVerbsAlone() {
        assertThat(LEX.irregularPastFor("goed")).isEqualTo("went");
        assertThat(LEX.irregularPastFor("buyed")).isEqualTo("bought");
        assertThat(LEX.irregularPastFor("writed")).isEqualTo("wrote");
        assertThat(LEX.irregularPastFor("runned")).isEqualTo("ran");
        assertThat(LEX.irregularPastFor("played")).isNull();    // a word
        assertThat(LEX.irregularPastFor("plaied")).isNull();    // no irregular verb behind it
        for (String w : new String[] {"goed", "buyed", "writed", "runned", "eated", "teached", "catched"})
            assertThat(spelling.correction(w)).as(w).isNull();
        assertThat(spelling.correction("plaied")).isEqualTo("played");
    }

    @Test
    void aLikelySlipIsAVowelForAVowelOrANeighbouringKey() {
        assertThat(SpellingCorrector.likelySubstitution('e', 'a')).isTrue();
        assertThat(SpellingCorrector.likelySubstitution('r', 't')).isTrue();   // same row
        assertThat(SpellingCorrector.likelySubstitution('e', 'd')).isTrue();   // the row below
        assertThat(SpellingCorrector.likelySubstitution('e', 's')).isTrue();
        assertThat(SpellingCorrector.likelySubstitution('s', 'w')).isTrue();   // the row above
        assertThat(SpellingCorrector.likelySubstitution('b', 'h')).isTrue();
        assertThat(SpellingCorrector.likelySubstitution('e', 'f')).isFalse();
        assertThat(SpellingCorrector.likelySubstitution('r', 'n')).isFalse();  // two rows apart
        assertThat(SpellingCorrector.likelySubstitution('q', 'p')).isFalse();
        assertThat(SpellingCorrector.likelySubstitution('a', 'l')).isFalse();
    }

    @Test
    void leavesWordsNamesShortWordsAndWhatTheTrainingTextHolds() {
        assertThat(spelling.correction("received")).isNull();   // a word
        assertThat(spelling.correction("Recieved")).isNull();   // capitalised: a name or a sentence's first word
        assertThat(spelling.correction("RECIEVED")).isNull();
        assertThat(spelling.correction("teh")).isNull();        // under four letters
        assertThat(spelling.correction("b2b")).isNull();
        assertThat(spelling.correction("don't")).isNull();
        assertThat(LEX.count("gonna")).isPositive();            // not in the word list, but in UD's web text
        assertThat(spelling.correction("gonna")).isNull();
        assertThat(spelling.correction("qzxwvk")).isNull();     // nothing one slip away
    }

    @Test
    void correctsATextInPlaceKeepingEverythingElse() {
        String text = "I recieved your  letter,\tand Anna's srevice was \"grate\" yesterday!";
        assertThat(spelling.correct(text)).isEqualTo("I received your  letter,\tand Anna's service was \"grate\" yesterday!");
        String clean = "My sister can't come to the party on Friday.";
        assertThat(spelling.correct(clean)).isSameAs(clean);
    }

    /** Every correction is a known word one slip away, and no word of the word list is ever changed. */
    @Test
    void aCorrectionIsAlwaysAKnownWordOneSlipAwayAndWordsStay() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<String> words = List.of("information", "beautiful", "government", "because", "people", "different",
                "important", "children", "weather", "language", "restaurant", "tomorrow", "business", "friends");
        int corrected = 0;
        for (int i = 0; i < 500; i++) {
            String w = words.get(rnd.nextInt(words.size()));
            assertThat(spelling.correction(w)).isNull();
            String typo = slip(w, rnd);
            String c = spelling.correction(typo);
            if (c == null) continue;
            corrected++;
            assertThat(LEX.isWord(c)).isTrue();
            assertThat(EditClassifier.editsApart(typo, c)).isEqualTo(1);
        }
        assertThat(corrected).isGreaterThan(300);
    }

    private static String slip(String w, SplittableRandom rnd) {
        int i = 1 + rnd.nextInt(w.length() - 2);
        return switch (rnd.nextInt(4)) {
            case 0 -> w.substring(0, i) + w.substring(i + 1);
            case 1 -> w.substring(0, i) + w.charAt(i + 1) + w.charAt(i) + w.substring(i + 2);
            case 2 -> w.substring(0, i) + (char) ('a' + rnd.nextInt(26)) + w.substring(i + 1);
            default -> w.substring(0, i) + (char) ('a' + rnd.nextInt(26)) + w.substring(i);
        };
    }
}
