package miniserve.cli;

import miniserve.agent.TinyTutorCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

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
