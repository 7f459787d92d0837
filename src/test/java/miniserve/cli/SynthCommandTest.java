package miniserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import miniserve.synth.SyntheticErrors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {

    static final Path WORKLOAD = Path.of("data/workload/learner-sentences.txt");

    @Test
    void committedWorkloadIsWhatTheCommandWritesByDefault(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("w.txt");
        int rc = Main.commandLine().execute("synth", "workload", "--out", out.toString());
        assertThat(rc).isZero();
        assertThat(Files.readAllLines(out)).isEqualTo(Files.readAllLines(WORKLOAD));
    }

    @Test
    void workloadHasAThousandHeldOutSentencesWithinTheLimit() throws Exception {
        List<String> lines = Files.readAllLines(WORKLOAD, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1000);
        assertThat(lines).allSatisfy(l -> assertThat(SyntheticErrors.wordCount(l)).isBetween(3, 41));
        // Mixed lengths, and none of it from the training text.
        assertThat(lines.stream().filter(l -> SyntheticErrors.wordCount(l) <= 8).count()).isGreaterThan(100);
        assertThat(lines.stream().filter(l -> SyntheticErrors.wordCount(l) >= 25).count()).isGreaterThan(60);
        Set<String> train = new HashSet<>(Files.readAllLines(Path.of("data/ud-ewt/train.txt")));
        assertThat(lines.stream().filter(train::contains).count()).isLessThan(10);
    }

    @Test
    void pairsPrintsLearnerAndCorrectLines() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.commandLine().execute("synth", "pairs", "--n", "5", "--seed", "1");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("learner: ")).count()).isEqualTo(5);
        assertThat(out.lines().filter(l -> l.startsWith("correct: ")).count()).isEqualTo(5);
    }

    @Test
    void statsAndPairsShowTheErrorProfileAsked() {
        double original = share(stdout("synth", "stats", "--source", "data/ud-ewt/dev.txt"), "TENSE");
        double learner = share(stdout("synth", "stats", "--source", "data/ud-ewt/dev.txt", "--error-profile", "learner"), "TENSE");
        // The learner mix weighs tense about ten times more (SyntheticErrors.Profile).
        assertThat(learner).isGreaterThan(1.5 * original);
        assertThat(stdout("synth", "pairs", "--n", "40", "--error-profile", "learner"))
                .isNotEqualTo(stdout("synth", "pairs", "--n", "40"));

        CorrectCommandTest.Run bad = CorrectCommandTest.run("synth", "stats", "--error-profile", "expert");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().strip()).doesNotContain("\n").contains("unknown error profile 'expert'");
    }

    private static double share(String stats, String type) {
        return stats.lines().map(String::strip).filter(l -> l.startsWith(type + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(type.length()).strip().replace("%", ""))).orElseThrow();
    }

    private static String stdout(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingSourceIsAOneLineError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("synth", "pairs", "--source", "no/such/file.txt");
        assertThat(rc).isNotZero();
        assertThat(err.toString().strip()).contains("no such file: no/such/file.txt").doesNotContain("\tat ");
    }

    @Test
    void beginnerRebuildsTheCommittedFileAndRefusesBadInput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("beginner.txt.gz");
        stdout("synth", "beginner", "--n", "30000", "--seed", "1", "--out", out.toString());
        // data/beginner/derive.sh's command: the file is rebuilt byte for byte.
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(Path.of("data/beginner/sentences.txt.gz")));

        CorrectCommandTest.Run bad = CorrectCommandTest.run("synth", "beginner", "--n", "0", "--out", dir.resolve("x").toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().strip()).doesNotContain("\n").contains("--n must be positive");
        CorrectCommandTest.Run noData = CorrectCommandTest.run("synth", "beginner", "--data", dir.toString(), "--out", dir.resolve("y").toString());
        assertThat(noData.exit()).isNotZero();
        assertThat(noData.err().strip()).doesNotContain("\n").contains("no held-out sets under");
    }
}
