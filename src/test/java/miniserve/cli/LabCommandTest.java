package miniserve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LabCommandTest {

    @TempDir Path tmp;

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
    void missingWeightsIsOneClearLine() {
        Run r = run("lab", "--weights", tmp.resolve("none").toString(), "--out", tmp.resolve("out").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("miniserve lab: weights directory").contains("--weights DIR")
                .doesNotContain("\n");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void badSettingsAreOneClearLine() throws Exception {
        Path weights = Files.createDirectories(tmp.resolve("w"));
        Path workload = Files.writeString(tmp.resolve("s.txt"), "She go home.\n");
        Run configs = run("lab", "--weights", weights.toString(), "--workload", workload.toString(), "--configs", "8-20");
        assertThat(configs.exit()).isEqualTo(1);
        assertThat(configs.err()).contains("'8-20' is none of 'unbatched', MAX_BATCH:MAX_WAIT_MS");

        Run lab = run("lab", "--weights", weights.toString(), "--workload", workload.toString(), "--lab", "04");
        assertThat(lab.exit()).isEqualTo(1);
        assertThat(lab.err()).contains("--lab must be 02 or 03, got '04'");

        Run reps = run("lab", "--weights", weights.toString(), "--workload", workload.toString(), "--repetitions", "0");
        assertThat(reps.exit()).isEqualTo(1);
        assertThat(reps.err()).contains("--repetitions must be >= 1");

        Run rule = run("lab", "--weights", weights.toString(), "--workload", workload.toString(), "--stop-rule", "never");
        assertThat(rule.exit()).isEqualTo(1);
        assertThat(rule.err()).contains("--stop-rule: expected fixed or all-ended, got 'never'");
    }

    @Test
    void helpExplainsEveryFlag() {
        Run r = run("lab", "--help");
        assertThat(r.exit()).isZero();
        for (String flag : new String[]{"--quick", "--out", "--configs", "--repetitions", "--concurrency", "--total",
                "--warmup", "--max-tokens", "--stop-rule", "--threads", "--weights", "--workload", "--max-words",
                "--seed", "--timeout-ms", "--start-timeout", "--server-java-opt"})
            assertThat(r.out()).contains(flag);
    }
}
