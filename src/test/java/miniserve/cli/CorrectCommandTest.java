package miniserve.cli;

import miniserve.agent.TinyTutorCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CorrectCommandTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsEachSentenceWithWhatTheTutorMadeOfIt() throws IOException {
        Path weights = TinyTutorCheckpoint.write(tmp, 3);
        Run r = run("correct", "--weights", weights.toString(), "--max-tokens", "8", "She go to school yesterday.", "Hi.");
        assertThat(r.exit()).as(r.err()).isZero();
        // A random model's answers are refused: each sentence is shown with the reason.
        assertThat(r.out()).contains("She go to school yesterday.\n", "Hi.\n");
        assertThat(r.out().lines().filter(l -> l.startsWith("  No correction: ") || l.startsWith("  No errors")
                || l.startsWith("-> "))).hasSize(2);
    }

    @Test
    void manySentencesRunInBatchesOfAtMostBatchAndComeBackInOrder() throws IOException {
        Path weights = TinyTutorCheckpoint.write(tmp, 3);
        String[] sentences = new String[7];
        for (int i = 0; i < sentences.length; i++) sentences[i] = "Sentence number " + i + " is here.";
        String[] args = new String[5 + sentences.length];
        System.arraycopy(new String[] {"correct", "--weights", weights.toString(), "--batch", "3"}, 0, args, 0, 5);
        System.arraycopy(sentences, 0, args, 5, sentences.length);
        Run r = run(args);
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> shown = r.out().lines().filter(l -> l.startsWith("Sentence number ")).toList();
        assertThat(shown).containsExactly(sentences);
        Run bad = run("correct", "--weights", weights.toString(), "--batch", "0", "Hi.");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).doesNotContain("\n").contains("--batch must be >= 1");
    }

    @Test
    void aRefusedAnswerShowsTheRulesCorrectionsWithTheReason() throws IOException {
        Path weights = TinyTutorCheckpoint.write(tmp, 3);
        Run r = run("correct", "--weights", weights.toString(), "--max-tokens", "8", "She go to school yesterday.");
        assertThat(r.exit()).as(r.err()).isZero();
        // the random model's answer is refused; the tense stage still corrects the learner's sentence
        assertThat(r.out()).contains("-> She went to school yesterday.", "(verb tense)",
                "  Note: the model did not finish its answer within 8 tokens.");
    }

    @Test
    void missingWeightsAreOneLineSayingWhatToDo() {
        Run r = run("correct", "--weights", tmp.resolve("absent").toString(), "She go.");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("not found", "--weights").doesNotContain("Exception");
    }

    @Test
    void aSentenceTooLongForTheModelIsOneLine() throws IOException {
        Path weights = TinyTutorCheckpoint.write(tmp, 3);
        Run r = run("correct", "--weights", weights.toString(), "--max-tokens", "8", "x".repeat(500));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("500 tokens", "at most");
    }

    @Test
    void byDefaultAnAnswerMayTakeAllTheContextTheLongestSentenceLeaves() throws IOException {
        Path weights = TinyTutorCheckpoint.write(tmp, 3);
        String sentence = "She go to school yesterday."; // one token a byte: 27 tokens
        Run r = run("correct", "--weights", weights.toString(), sentence, "Hi.");
        assertThat(r.exit()).as(r.err()).isZero();
        int budget = TinyTutorCheckpoint.N_POSITIONS - 1 - sentence.length();
        assertThat(r.out()).contains("did not finish its answer within " + budget + " tokens");
        Run tooLong = run("correct", "--weights", weights.toString(), "x".repeat(TinyTutorCheckpoint.N_POSITIONS));
        assertThat(tooLong.exit()).isEqualTo(1);
        assertThat(tooLong.err().strip()).doesNotContain("\n").contains("128 tokens", "at most 126");
    }
}
