package miniserve.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import miniserve.eval.Evaluation.Report;
import miniserve.eval.Evaluation.TypeScore;
import miniserve.synth.SyntheticErrors;
import miniserve.synth.TrainingPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

    static List<TrainingPair> synthetic;
    static List<String> preservation;

    @BeforeAll
    static void load() {
        synthetic = SyntheticErrors.heldOutPairs(Path.of("data/ud-ewt/dev.txt"), 400, 5);
        preservation = Evaluation.preservationSet(Path.of("data/ud-ewt/test.txt"), 300);
    }

    private static Evaluation evaluation() {
        return new Evaluation(synthetic, preservation, null, null, 16);
    }

    @Test
    void usesHeldOutSentencesOnly() throws Exception {
        List<String> train = Files.readAllLines(Path.of("data/ud-ewt/train.txt"));
        java.util.Set<String> trainSet = new java.util.HashSet<>(train);
        assertThat(synthetic).hasSize(400).noneMatch(p -> trainSet.contains(p.target()));
        assertThat(preservation).hasSize(300).noneMatch(trainSet::contains);
    }

    @Test
    void copyingTheSourceMatchesOnlyTheCleanPairsAndFindsNothing() {
        Report r = evaluation().evaluate("copy", Baselines.copySource());
        long clean = synthetic.stream().filter(TrainingPair::unchanged).count();
        assertThat(r.synthetic().exactMatch()).isEqualTo((double) clean / synthetic.size());
        assertThat(r.synthetic().exactMatchWithErrors()).isZero();
        assertThat(r.synthetic().overall().truePositives()).isZero();
        assertThat(r.synthetic().overall().falsePositives()).isZero();
        assertThat(r.synthetic().overall().falseNegatives())
                .isEqualTo(synthetic.stream().mapToInt(p -> p.errors().size()).sum());
        assertThat(r.preservation().share()).isEqualTo(1.0);
        assertThat(r.jfleg().skipped()).isNotNull();
    }

    @Test
    void aPerfectCorrectorScoresFullMarksUnderTheMatchingRule() {
        Map<String, String> answer = new HashMap<>();
        for (TrainingPair p : synthetic) answer.put(p.source(), p.target());
        Function<List<String>, List<String>> oracle = batch -> batch.stream().map(s -> answer.getOrDefault(s, s)).toList();
        Report r = evaluation().evaluate("oracle", oracle);
        assertThat(r.synthetic().exactMatch()).isEqualTo(1.0);
        assertThat(r.preservation().share()).isEqualTo(1.0);
        TypeScore all = r.synthetic().overall();
        System.out.printf("oracle: TP %d FP %d FN %d%n", all.truePositives(), all.falsePositives(), all.falseNegatives());
        assertThat(all.precision()).isGreaterThan(0.97);
        assertThat(all.recall()).isGreaterThan(0.97);
        assertThat(r.synthetic().perType()).hasSizeGreaterThan(8);
    }

    @Test
    void aCorrectorThatBreaksSentencesLosesPreservationAndPrecision() {
        Function<List<String>, List<String>> vandal = batch -> batch.stream().map(s -> s.replace(" the ", " a ")).toList();
        Report r = evaluation().evaluate("vandal", vandal);
        assertThat(r.preservation().share()).isLessThan(0.8);
        // the changed clean sentences are listed, each with the answer, and only those
        assertThat(r.preservation().changed()).hasSize(r.preservation().sentences() - r.preservation().unchanged())
                .allSatisfy(c -> assertThat(c.sentence()).contains(" the ").isNotEqualTo(c.answer()))
                .allSatisfy(c -> assertThat(c.answer()).isEqualTo(c.sentence().replace(" the ", " a ")));
        assertThat(r.synthetic().overall().falsePositives()).isPositive();
        TypeScore article = r.synthetic().perType().stream().filter(t -> t.type().equals("ARTICLE")).findFirst().orElseThrow();
        assertThat(article.precision()).isLessThan(0.5);
    }

    @Test
    void theRuleBaselineFixesCapitalsArticlesAndFullStops() {
        assertThat(Baselines.simpleRules().apply(List.of("i think it is a apple", "An university and a hour.", "Fine, thanks."))).containsExactly(
                "I think it is an apple.", "A university and an hour.", "Fine, thanks.");
        Report r = evaluation().evaluate("rules", Baselines.simpleRules());
        Map<String, TypeScore> byType = new HashMap<>();
        for (TypeScore t : r.synthetic().perType()) byType.put(t.type(), t);
        assertThat(byType.get("CAPITALIZATION").truePositives()).isPositive();
        assertThat(byType.get("PUNCTUATION").truePositives()).isPositive();
        assertThat(byType.get("SPELLING").truePositives()).isZero();
        assertThat(r.synthetic().exactMatch()).isGreaterThan(evaluation().evaluate("copy", Baselines.copySource()).synthetic().exactMatch());
    }

    @Test
    void jflegSentencesAreDetokenizedBeforeTheCorrectorAndTokenizedAfter() {
        JflegSet set = new JflegSet(List.of("I do n't know .", "He go home ."),
                List.of(List.of("I do n't know .", "He goes home .")));
        List<String> seenByCorrector = new ArrayList<>();
        Evaluation eval = new Evaluation(List.of(), List.of(), null, set, 4);
        Report fixed = eval.evaluate("fix", batch -> {
            seenByCorrector.addAll(batch);
            return batch.stream().map(s -> s.replace("go ", "goes ")).toList();
        });
        assertThat(seenByCorrector).containsExactly("I don't know.", "He go home.");
        // Scored as tokens: the output, tokenized again, is the reference itself.
        assertThat(fixed.jfleg().gleuMean()).isEqualTo(1.0);
        Report copy = eval.evaluate("copy", Baselines.copySource());
        assertThat(copy.jfleg().gleuMean()).isLessThan(fixed.jfleg().gleuMean());
        assertThat(fixed.jfleg().skipped()).isNull();
    }

    /** Through the whole pipeline (detokenize, copy, tokenize), copying the source scores the published 0.3820. */
    @Test
    void copyingTheSourceScoresThePublishedGleuOnJflegDev() {
        Evaluation eval = new Evaluation(List.of(), List.of(), null, JflegSet.dev(), 64);
        assertThat(eval.evaluate("copy", Baselines.copySource()).jfleg().gleuMean()).isCloseTo(0.3820, org.assertj.core.data.Offset.offset(0.0001));
    }

    @Test
    void aCorrectorReturningTheWrongNumberOfSentencesIsAnError() {
        assertThatThrownBy(() -> evaluation().evaluate("short", batch -> batch.subList(0, batch.size() - 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("for a batch of 16");
    }

    @Test
    void writesJsonAndMarkdown(@TempDir Path dir) throws Exception {
        Report copy = evaluation().evaluate("copy", Baselines.copySource());
        Report rules = evaluation().evaluate("rules", Baselines.simpleRules());
        Evaluation.write(List.of(copy, rules), Map.of("seed", "5"), dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("eval.json").toFile());
        assertThat(json.get("systems")).hasSize(2);
        JsonNode r = json.get("systems").get(1);
        assertThat(r.get("system").asText()).isEqualTo("rules");
        assertThat(r.get("synthetic").get("exactMatch").asDouble()).isEqualTo(rules.synthetic().exactMatch());
        assertThat(r.get("synthetic").get("overall").get("precision").asDouble()).isEqualTo(rules.synthetic().overall().precision());
        assertThat(r.get("preservation").get("share").asDouble()).isEqualTo(rules.preservation().share());
        String md = Files.readString(dir.resolve("eval.md"));
        assertThat(md).contains("| copy |", "| rules |", "same token span", "## rules: edits by error type", "- seed: 5");
        // Each system's answers on the synthetic set, one row a sentence, its exact-match flag agreeing with the score.
        List<String> rows = Files.readAllLines(dir.resolve("synthetic-rules.tsv"));
        assertThat(rows.get(0)).isEqualTo("sentence\treference\tanswer\texact\tinjected");
        assertThat(rows).hasSize(rules.synthetic().sentences() + 1);
        long exact = rows.stream().skip(1).filter(row -> row.split("\t", -1)[3].equals("yes")).count();
        assertThat(exact).isEqualTo(Math.round(rules.synthetic().exactMatch() * rules.synthetic().sentences()));
        assertThat(rows.subList(1, rows.size())).allSatisfy(row -> assertThat(row.split("\t", -1)).hasSize(5));
        assertThat(Files.readAllLines(dir.resolve("synthetic-copy.tsv")).stream().skip(1).map(row -> row.split("\t", -1)))
                .allSatisfy(f -> assertThat(f[2]).isEqualTo(f[0]));
        assertThat(json.get("systems").get(0).get("synthetic").has("answers")).isFalse();
    }
}
