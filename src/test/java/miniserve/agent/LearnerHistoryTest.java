package miniserve.agent;

import miniserve.agent.Correction.ErrorCount;
import org.junit.jupiter.api.Test;

import java.util.List;

import static miniserve.language.ErrorType.ARTICLE;
import static miniserve.language.ErrorType.PREPOSITION;
import static miniserve.language.ErrorType.SPELLING;
import static miniserve.language.ErrorType.TENSE;
import static org.assertj.core.api.Assertions.assertThat;

class LearnerHistoryTest {

    @Test
    void mostFrequentTypesComeFirstAndTiesGoToTheMoreRecent() {
        LearnerHistory h = new LearnerHistory(10, 50, 3);
        h.record("ana", List.of(TENSE, ARTICLE));
        h.record("ana", List.of(TENSE, SPELLING));
        List<ErrorCount> top = h.record("ana", List.of(PREPOSITION));
        assertThat(top).containsExactly(new ErrorCount(TENSE, 2), new ErrorCount(PREPOSITION, 1), new ErrorCount(SPELLING, 1));
        assertThat(top.getFirst().label()).isEqualTo("verb tense");
    }

    @Test
    void eachLearnerKeepsOnlyTheirRecentEvents() {
        LearnerHistory h = new LearnerHistory(10, 3, 5);
        h.record("ben", List.of(ARTICLE, ARTICLE, ARTICLE));
        // Three newer events push all three articles out.
        assertThat(h.record("ben", List.of(TENSE, TENSE, SPELLING))).containsExactly(new ErrorCount(TENSE, 2), new ErrorCount(SPELLING, 1));
        assertThat(h.mostFrequent("carla")).isEmpty();
    }

    @Test
    void theLeastRecentlySeenLearnerIsForgottenFirst() {
        LearnerHistory h = new LearnerHistory(2, 10, 3);
        h.record("a", List.of(TENSE));
        h.record("b", List.of(ARTICLE));
        h.mostFrequent("a"); // a is seen again: b is now the least recent
        h.record("c", List.of(SPELLING));
        assertThat(h.learners()).isEqualTo(2);
        assertThat(h.mostFrequent("b")).isEmpty();
        assertThat(h.mostFrequent("a")).containsExactly(new ErrorCount(TENSE, 1));
        assertThat(h.mostFrequent("c")).containsExactly(new ErrorCount(SPELLING, 1));
    }

    @Test
    void manyLearnersStayWithinTheBound() {
        LearnerHistory h = new LearnerHistory(100, 5, 3);
        for (int i = 0; i < 10_000; i++) h.record("learner-" + i, List.of(TENSE, ARTICLE, SPELLING, TENSE, TENSE, ARTICLE));
        assertThat(h.learners()).isEqualTo(100);
        // The last five events: ARTICLE SPELLING TENSE TENSE ARTICLE; the tie goes to the more recent ARTICLE.
        assertThat(h.mostFrequent("learner-9999")).containsExactly(new ErrorCount(ARTICLE, 2), new ErrorCount(TENSE, 2),
                new ErrorCount(SPELLING, 1));
    }

    @Test
    void aCorrectSentenceRecordsNothingButStillReportsTheHistory() {
        LearnerHistory h = new LearnerHistory();
        h.record("dana", List.of(ARTICLE));
        assertThat(h.record("dana", List.of())).containsExactly(new ErrorCount(ARTICLE, 1));
    }
}
