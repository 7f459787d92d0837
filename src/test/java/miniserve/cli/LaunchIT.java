package miniserve.cli;

import miniserve.agent.TinyTutorCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged program as a person starts it, from a directory that is not the project's: {@code java -jar
 * target/miniserve.jar} (which runs itself again with the Vector API's module) and the {@code miniserve}
 * launcher, directly and through a symlink. Runs after {@code package} (failsafe), on the jar just built.
 */
class LaunchIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path JAR = ROOT.resolve("target/miniserve.jar");
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    @TempDir
    Path elsewhere;

    record Run(int exit, String out, String err) {}

    private Run run(List<String> command) throws IOException, InterruptedException {
        Path out = elsewhere.resolve("out.txt"), err = elsewhere.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void javaDashJarRunsAndFindsTheProjectsWeightsFromAnotherDirectory() throws Exception {
        Run version = run(List.of(JAVA, "-jar", JAR.toString(), "--version"));
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out().strip()).isEqualTo("miniserve 0.1.0");

        Run info = run(List.of(JAVA, "-jar", JAR.toString(), "model-info"));
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.out()).contains("checkpoint    " + ROOT.resolve("weights"));

        // A relative path the user types still means one in the working directory.
        Run relative = run(List.of(JAVA, "-jar", JAR.toString(), "model-info", "--weights", "weights"));
        assertThat(relative.exit()).isEqualTo(1);
        assertThat(relative.err()).contains("miniserve model-info: weights").doesNotContain(ROOT.toString());
    }

    @Test
    void theLauncherWorksFromAnotherDirectoryAndThroughASymlink() throws Exception {
        Path link = Files.createDirectories(elsewhere.resolve("bin")).resolve("miniserve");
        Files.createSymbolicLink(link, ROOT.resolve("miniserve"));
        for (Path launcher : List.of(ROOT.resolve("miniserve"), link)) {
            Run info = run(List.of("bash", launcher.toString(), "model-info"));
            assertThat(info.exit()).as(info.err()).isZero();
            assertThat(info.err()).as("the jar is fresh: no build").doesNotContain("building");
            assertThat(info.out()).contains("checkpoint    " + ROOT.resolve("weights"));
        }
        Files.delete(link); // JUnit warns about a link out of its temporary directory
        Run help = run(List.of("bash", ROOT.resolve("miniserve").toString(), "correct", "--help"));
        // help wraps long lines, maybe inside the path: compared without white space
        assertThat(help.out().replaceAll("\\s+", "")).contains("(default:" + ROOT.resolve("weights") + ")");
    }

    /** SIGTERM to the java -jar process: it passes it on, its child drains and exits 0, and so does it; nothing is left running. */
    @Test
    void javaDashJarServeDrainsOnSigtermAndExitsZero() throws Exception {
        Path weights = TinyTutorCheckpoint.write(Files.createDirectories(elsewhere.resolve("tiny")), 3);
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "serve", "--port", "0",
                "--weights", weights.toString(), "--history-db", elsewhere.resolve("history.db").toString(), "--threads", "1"));
        Process p = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectError(elsewhere.resolve("err.txt").toFile()).start();
        List<ProcessHandle> children = List.of();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as(Files.readString(elsewhere.resolve("err.txt"))).startsWith("listening on http://127.0.0.1:");
            children = p.children().toList();
            assertThat(children).as("the JVM with the Vector API's module").hasSize(1);
            p.destroy(); // SIGTERM, to the parent only
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String err = Files.readString(elsewhere.resolve("err.txt"));
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err).contains("draining", "stopped");
            assertThat(children.getFirst().isAlive()).isFalse();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
