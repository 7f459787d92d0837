package miniserve.deploy;

import miniserve.cli.Main;
import miniserve.serving.JvmFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/local-cluster.sh}, small: a throwaway PostgreSQL, two replicas of the shipped tutor
 * and Debian's nginx on loopback, 60 requests of 4 clients, one replica killed with SIGKILL and
 * restarted in the middle. The script's own checks (every request answered, only the killed
 * replica's in-flight requests failed, and with 502; the history in PostgreSQL equal to the
 * errors of the 200 answers) decide its exit status. The full-size run and its figures are in
 * docs/deploying.md.
 */
class LocalClusterScriptTest {

    @TempDir
    Path tmp;

    @Test
    void aReplicaKilledUnderLoadLosesOnlyItsRequestsInFlightAndTheHistoryMatchesTheAnswers() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder("bash", "deploy/local-cluster.sh")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        // This build's classes, without the launcher (which would build into target/ under the running suite).
        pb.environment().put("MINISERVE_CMD", java + " " + String.join(" ", JvmFlags.ALL) + " " + Main.class.getName());
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("REQUESTS", "60");
        pb.environment().put("CONCURRENCY", "4");
        Process p = pb.start();
        boolean ended = p.waitFor(8, TimeUnit.MINUTES);
        if (!ended) {
            p.destroy(); // the script's trap stops what it started
            p.waitFor(2, TimeUnit.MINUTES);
        }
        String out = Files.readString(tmp.resolve("out.txt"));
        assertThat(ended).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("killed replica 1 (SIGKILL)", "replica 1 restarted and ready", "every request answered",
                "the same, learner by learner and type by type", "checks hold");
        assertThat(out.substring(out.indexOf("== a burst"))).as("nginx's per-client limit refused some").contains(" 429 ");
    }
}
