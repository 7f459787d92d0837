package miniserve.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import miniserve.language.Edit;
import miniserve.language.EditClassifier;
import miniserve.language.ErrorType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classifier should find and name the error the generator injected, for most single-error pairs. */
class EditClassifierAgreementTest {

    static List<String> clean;

    @BeforeAll
    static void read() {
        clean = new SyntheticErrors().readClean(Path.of("data/ud-ewt/train.txt"));
    }

    @Test
    void recoversTheInjectedEditAndItsType() {
        recoversTheInjectedEditAndItsType(SyntheticErrors.Profile.ORIGINAL);
    }

    @Test
    void recoversTheLearnerProfilesEditsAndTheirTypes() {
        recoversTheInjectedEditAndItsType(SyntheticErrors.Profile.LEARNER);
    }

    private static void recoversTheInjectedEditAndItsType(SyntheticErrors.Profile profile) {
        SyntheticErrors gen = new SyntheticErrors(miniserve.language.Lexicon.standard(), profile);
        List<TrainingPair> singleErrorPairs = gen.pairs(clean, 11).stream().filter(p -> p.errors().size() == 1).toList();
        EditClassifier classifier = new EditClassifier();
        Map<ErrorType, int[]> byType = new EnumMap<>(ErrorType.class);   // {pairs, span found, type agrees}
        int spans = 0, agree = 0;
        StringBuilder misses = new StringBuilder();
        for (TrainingPair p : singleErrorPairs) {
            InjectedError e = p.errors().get(0);
            List<Edit> edits = classifier.edits(p.source(), p.target());
            int[] c = byType.computeIfAbsent(e.type(), k -> new int[3]);
            c[0]++;
            if (edits.size() == 1 && edits.get(0).start() == e.start() && edits.get(0).end() == e.end()
                    && edits.get(0).replacement().equals(e.replacement())) {
                spans++;
                c[1]++;
                if (edits.get(0).type() == e.type()) {
                    agree++;
                    c[2]++;
                } else if (misses.length() < 6000) {
                    misses.append(e.type()).append(" -> ").append(edits.get(0).type()).append(": '")
                            .append(e.original()).append("' -> '").append(e.replacement()).append("' in: ").append(p.source()).append('\n');
                }
            } else if (misses.length() < 6000) {
                misses.append("span ").append(e).append(" vs ").append(edits).append('\n');
            }
        }
        int n = singleErrorPairs.size();
        System.out.printf(profile + " profile: classifier agreement on %d single-error pairs: span %.1f%%, type %.1f%%%n", n, 100.0 * spans / n, 100.0 * agree / n);
        byType.forEach((t, c) -> System.out.printf("  %-14s n=%4d span %5.1f%% type %5.1f%%%n", t, c[0], 100.0 * c[1] / c[0], 100.0 * c[2] / c[0]));
        System.out.print(misses);
        assertThat(n).isGreaterThan(1500);
        assertThat((double) spans / n).as("share of injected edits found by the diff").isGreaterThan(0.97);
        assertThat((double) agree / n).as("share of injected edits with the injected type").isGreaterThan(0.97);
    }
}
