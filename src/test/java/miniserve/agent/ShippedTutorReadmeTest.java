package miniserve.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import miniserve.kernels.ComputePool;
import miniserve.model.Generator.StopRule;
import miniserve.serving.ServeFlags;
import org.junit.jupiter.api.Test;

/**
 * The README's "Ten beginner sentences" table shows the shipped tutor's real answers: the tutor in
 * {@code weights/}, asked as {@code ./miniserve correct} asks it (one batch, every row stopping once
 * all have ended), answers each row as the table says. New weights fail here until the table is
 * re-run from them.
 */
class ShippedTutorReadmeTest {

    @Test
    void theReadmesBeginnerSentencesGetTheAnswersItShows() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int from = lines.indexOf("### Ten beginner sentences");
        assertThat(from).as("the README's section").isNotNegative();
        List<String> sentences = new ArrayList<>(), answers = new ArrayList<>();
        for (String line : lines.subList(from + 1, lines.size())) {
            if (line.startsWith("### ")) break;
            if (!line.startsWith("| ") || line.startsWith("| learner's sentence")) continue;
            String[] cells = line.split("\\|");
            String sentence = cells[1].strip(), answer = cells[2].strip();
            sentences.add(sentence);
            answers.add(answer.equals("(unchanged)") ? sentence : answer);
        }
        assertThat(sentences).hasSize(11);

        TutorModel model = TutorModel.load(Path.of(ServeFlags.DEFAULT_WEIGHTS));
        List<Correction> corrections;
        try (ComputePool pool = ComputePool.create(2)) {
            GrammarTutorAgent agent = model.newAgent(pool, sentences.size(), ServeFlags.DEFAULT_MAX_TOKENS, StopRule.ALL_ENDED);
            corrections = agent.correctBatch(sentences, null);
        }
        assertThat(corrections).extracting(Correction::corrected).containsExactlyElementsOf(answers);
    }
}
