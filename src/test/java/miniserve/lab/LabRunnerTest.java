package miniserve.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import miniserve.loadtest.Workload;
import miniserve.serving.ServeFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sweep against real server processes, each a separate JVM started from the serve command line.
 * The server here is {@link ContractStandInServer}: it follows the serve contract without the model,
 * so these tests check the lab's process handling and bookkeeping, not the model's speed.
 */
class LabRunnerTest {

    @TempDir Path dir;

    private static final Workload WORK = Workload.of(List.of("She go to school yesterday.", "He have two cat.",
            "I am agree with you.", "They was happy.", "We discussed about the plan."));

    private LabSettings settings(List<ServerConfig> configs, int reps, int total, Path weights, Duration startTimeout) {
        return settings(configs, reps, total, weights, startTimeout, 0);
    }

    private LabSettings settings(List<ServerConfig> configs, int reps, int total, Path weights, Duration startTimeout, int stretchPairs) {
        return new LabSettings(configs, reps, 10, total, 5, 8, ServeFlags.StopRule.FIXED, 2, 2, weights, Path.of("in-memory"), 0, 42,
                Duration.ofSeconds(30), startTimeout, true, dir.resolve("out"), List.of("-Xmx256m"), 0.5, Duration.ofSeconds(1),
                stretchPairs, null);
    }

    private LabRunner runner(LabSettings s, ByteArrayOutputStream console) {
        return new LabRunner(s, ServerLauncher.serve(s, ContractStandInServer.class), new PrintWriter(console, true), false);
    }

    private static void assertNoServerLeft(Path weights) throws IOException {
        try (Stream<Path> pids = Files.list(weights.resolve("pids"))) {
            List<Long> started = pids.map(p -> Long.parseLong(p.getFileName().toString())).toList();
            assertThat(started).isNotEmpty();
            for (long pid : started)
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("server %d still running", pid).isFalse();
        }
    }

    @Test
    void aSweepStartsAServerPerRepetitionInRoundsAndWritesEveryFile() throws Exception {
        Path weights = Files.createDirectories(dir.resolve("weights"));
        Files.writeString(weights.resolve("config.json"), "{\"n_layer\": 2, \"n_embd\": 64}");
        List<ServerConfig> configs = ServerConfig.quickSweep();
        LabSettings s = settings(configs, 2, 40, weights, Duration.ofSeconds(60), 3);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        SweepResult result = runner(s, console).run(WORK);
        LabOutputs.writeAll(result, s.out());

        LabOutputsTest.assertCompleteOutput(s.out(), configs, 2, true, 2);
        assertNoServerLeft(weights);
        try (Stream<Path> pids = Files.list(weights.resolve("pids"))) {
            // one fresh process per repetition, and one more pair of the two single-row servers for the stretch check
            assertThat(pids.count()).isEqualTo(configs.size() * 2L + 2);
        }
        for (RunResult run : result.runs().stream().filter(r -> !r.openLoop()).toList()) {
            assertThat(run.ok()).isEqualTo(40);
            // the scrapes around each run leave out the warm-up and the other runs
            assertThat(run.batch().requestsBatched()).isEqualTo(40);
            assertThat(run.batch().tokensComputed()).isEqualTo(40 * 8);
            assertThat(run.batch().meanBatchSize()).isBetween(1.0, (double) run.config().maxBatch());
            assertThat(run.peakQueueDepth()).isBetween(0.0, 10.0); // the gauge was read; never more than the clients
        }
        ConfigSummary b8 = result.configs().get(3);
        assertThat(b8.config()).isEqualTo(ServerConfig.batched(8, 20));
        assertThat(b8.meanBatchSize()).isGreaterThan(1.0); // ten clients keep the batches of eight filling

        // the baseline's first run set the equal load: every closed-loop run was followed by an open-loop run at that rate
        double rate = 0.5 * result.configs().get(0).runs().get(0).throughput();
        for (ConfigSummary c : result.configs()) {
            assertThat(c.equalLoadRuns()).hasSize(2); // not for the extra stretch pair
            for (RunResult r : c.equalLoadRuns()) {
                assertThat(r.offeredRate()).isCloseTo(rate, org.assertj.core.api.Assertions.within(1e-9));
                assertThat(r.ok()).isEqualTo(r.planned());
            }
            assertThat(c.equalLoadRuns().stream().map(RunResult::repetition)).containsExactly(1, 2);
        }
        assertThat(Files.readAllLines(s.out().resolve(LabOutputs.RUNS_CSV))).hasSize(1 + configs.size() * 4 + 2)
                .anyMatch(row -> row.contains(",open,"));
        assertThat(s.out().resolve(LabOutputs.P95_EQUAL_LOAD_PNG)).isRegularFile();

        JsonNode manifest = new ObjectMapper().readTree(s.out().resolve(LabOutputs.MANIFEST).toFile());
        assertThat(manifest.path("model").path("config").path("n_layer").asInt()).isEqualTo(2);
        assertThat(manifest.path("model").path("files").get(0).path("sha256").asText()).hasSize(64);
        assertThat(manifest.path("server").path("jvm_flags").toString()).contains("-Xmx256m");
        JsonNode timings = manifest.path("timings");
        assertThat(timings).hasSize(configs.size() * 2 + 2);
        // in rounds: the first repetition of every configuration, the baseline first, before any second one; in the
        // second round the baseline and max_batch=1 swap places, and the extra stretch pair (round 3) has the baseline first
        List<String> expected = new ArrayList<>();
        for (ServerConfig c : configs) expected.add(c.label() + "#1");
        List<String> second = new ArrayList<>();
        for (ServerConfig c : configs) second.add(c.label() + "#2");
        java.util.Collections.swap(second, 0, 1);
        expected.addAll(second);
        expected.addAll(List.of("unbatched#3", "b1-w0#3"));
        List<String> actual = new ArrayList<>();
        for (JsonNode t : timings) actual.add(t.path("config").asText() + "#" + t.path("repetition").asInt());
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(manifest.path("stretch_pairs").asInt()).isEqualTo(3);
        assertThat(result.configs().get(0).runs()).hasSize(3);
        assertThat(result.configs().get(1).runs()).hasSize(3);
        assertThat(result.configs().get(0).equalLoadRuns()).hasSize(2); // the extra pair runs closed loop only
        for (ServerConfig c : configs) {
            assertThat(s.out().resolve("logs").resolve(c.label() + "-r1.log")).content().contains("listening on");
            assertThat(s.out().resolve("logs").resolve(c.label() + "-r2.log")).content().contains("listening on");
            assertThat(s.out().resolve("runs").resolve(c.label() + "-r2-equal-load.json")).isRegularFile();
            JsonNode run = new ObjectMapper().readTree(s.out().resolve("runs").resolve(c.label() + "-r1.json").toFile());
            assertThat(run.path("ok").asInt()).isEqualTo(40);
            assertThat(s.out().resolve("runs").resolve(c.label() + "-r2.hlog")).isRegularFile();
        }
        assertThat(console.toString()).contains("round 2/2, config 4/4 b8-w20").contains("b8-w20     run 2: 40/40 answered 200");
    }

    @Test
    void aServerThatExitsAtStartIsAClearErrorAndLeavesNothingRunning() throws Exception {
        Path weights = Files.createDirectories(dir.resolve("weights"));
        Files.writeString(weights.resolve("EXIT"), "");
        LabSettings s = settings(List.of(ServerConfig.baseline()), 1, 10, weights, Duration.ofSeconds(60));
        assertThatThrownBy(() -> runner(s, new ByteArrayOutputStream()).run(WORK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with status 2 before it was listening")
                .hasMessageContaining("failing at start as asked");
        assertNoServerLeft(weights);
    }

    @Test
    void aServerThatNeverListensIsKilledAfterTheStartTimeout() throws Exception {
        Path weights = Files.createDirectories(dir.resolve("weights"));
        Files.writeString(weights.resolve("HANG"), "");
        LabSettings s = settings(List.of(ServerConfig.batched(2, 10)), 1, 10, weights, Duration.ofSeconds(3));
        assertThatThrownBy(() -> runner(s, new ByteArrayOutputStream()).run(WORK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no 'listening on' line within 3 s");
        assertNoServerLeft(weights);
    }
}
