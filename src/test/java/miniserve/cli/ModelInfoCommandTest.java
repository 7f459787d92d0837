package miniserve.cli;

import miniserve.model.GptCheckpoint;
import miniserve.model.GptConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class ModelInfoCommandTest {

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void writesARandomCheckpointAndDescribesIt() throws IOException {
        Path tok = tmp.resolve("tok");
        Files.createDirectories(tok);
        Files.writeString(tok.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"<|endoftext|>\": 299}");
        Files.writeString(tok.resolve("merges.txt"), "#version: 0.2\n");
        Path dir = tmp.resolve("random");
        Run r = run("model-info", "--write-random", dir.toString(), "--tokenizer-from", tok.toString(),
                "--n-embd", "32", "--n-layer", "2", "--n-head", "4", "--n-positions", "64");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(GptCheckpoint.readConfig(dir)).isEqualTo(new GptConfig(300, 64, 32, 2, 4));
        assertThat(dir.resolve("merges.txt")).exists();
        assertThat(r.out()).contains("vocab_size=300").contains("n_embd=32")
                .contains(String.format("%,d", new GptConfig(300, 64, 32, 2, 4).parameterCount()))
                .contains("model.safetensors");

        Run again = run("model-info", "--weights", dir.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("n_layer=2");

        // Never overwrites a checkpoint unless told to.
        Run refused = run("model-info", "--write-random", dir.toString(), "--n-embd", "32", "--n-head", "4");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("already exists").doesNotContain("Exception");
        assertThat(GptCheckpoint.readConfig(dir).nEmbd()).isEqualTo(32);
    }

    @Test
    void aBadCheckpointIsOneLineAndANonZeroExit() throws IOException {
        Run r = run("model-info", "--weights", tmp.resolve("absent").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).contains("config.json").doesNotContain("\n").doesNotContain("at miniserve");
        Run shape = run("model-info", "--write-random", tmp.resolve("x").toString(), "--n-embd", "30", "--n-head", "4");
        assertThat(shape.exit()).isNotZero();
        assertThat(shape.err()).contains("n_embd");

        // A weights file the format refuses (here, bytes after the last tensor) is named with the rule it breaks.
        Path dir = tmp.resolve("trailing");
        assertThat(run("model-info", "--write-random", dir.toString(), "--vocab-size", "50", "--n-embd", "16", "--n-layer", "1",
                "--n-head", "2", "--n-positions", "16").exit()).isZero();
        Path weights = dir.resolve(GptCheckpoint.WEIGHTS_FILE);
        Files.write(weights, new byte[]{1, 2, 3}, StandardOpenOption.APPEND);
        Run trailing = run("model-info", "--weights", dir.toString());
        assertThat(trailing.exit()).isNotZero();
        assertThat(trailing.err().strip()).contains(weights.toString()).contains("trailing bytes").contains("3 bytes")
                .doesNotContain("\n").doesNotContain("Exception").doesNotContain("at miniserve");
    }
}
