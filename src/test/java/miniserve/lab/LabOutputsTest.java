package miniserve.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LabOutputsTest {

    @TempDir Path dir;

    /** Checks every file of a lab output directory; shared with the end-to-end tests. */
    static void assertCompleteOutput(Path dir, List<ServerConfig> configs, int repetitions) throws Exception {
        assertCompleteOutput(dir, configs, repetitions, false);
    }

    /** @param equalLoad whether each closed-loop run is followed by an open-loop run (one more row each in the runs CSV) */
    static void assertCompleteOutput(Path dir, List<ServerConfig> configs, int repetitions, boolean equalLoad) throws Exception {
        assertCompleteOutput(dir, configs, repetitions, equalLoad, 0);
    }

    /** @param extraRuns closed-loop runs beyond the rounds (the stretch check's extra pairs) */
    static void assertCompleteOutput(Path dir, List<ServerConfig> configs, int repetitions, boolean equalLoad, int extraRuns) throws Exception {
        for (String f : LabOutputs.FILES) assertThat(dir.resolve(f)).as(f).isRegularFile();

        List<String> summary = Files.readAllLines(dir.resolve(LabOutputs.SUMMARY_CSV));
        assertThat(summary.get(0)).isEqualTo(String.join(",", CsvReports.SUMMARY_COLUMNS));
        assertThat(summary).hasSize(1 + configs.size());
        for (int i = 0; i < configs.size(); i++) {
            String[] cells = summary.get(i + 1).split(",", -1);
            assertThat(cells).hasSize(CsvReports.SUMMARY_COLUMNS.size());
            assertThat(cells[0]).isEqualTo(configs.get(i).label());
            assertThat(Double.parseDouble(cells[CsvReports.SUMMARY_COLUMNS.indexOf("throughput_rps")])).isPositive();
            assertThat(Double.parseDouble(cells[CsvReports.SUMMARY_COLUMNS.indexOf("p95_ms")])).isPositive();
        }
        List<String> runs = Files.readAllLines(dir.resolve(LabOutputs.RUNS_CSV));
        assertThat(runs.get(0)).isEqualTo(String.join(",", CsvReports.RUN_COLUMNS));
        assertThat(runs).hasSize(1 + configs.size() * repetitions * (equalLoad ? 2 : 1) + extraRuns);
        assertThat(runs.subList(1, runs.size())).allMatch(r -> r.split(",", -1).length == CsvReports.RUN_COLUMNS.size());

        List<String> pngs = new java.util.ArrayList<>(List.of(LabOutputs.THROUGHPUT_PNG, LabOutputs.P95_PNG, LabOutputs.CDF_PNG, LabOutputs.FILL_PNG));
        if (equalLoad) pngs.add(LabOutputs.P95_EQUAL_LOAD_PNG);
        for (String png : pngs) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).as(png).isEqualTo(Charts.WIDTH);
            assertThat(img.getHeight()).as(png).isEqualTo(Charts.HEIGHT);
        }

        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(LabOutputs.MANIFEST).toFile());
        assertThat(manifest.path("git").path("commit").asText()).matches("[0-9a-f]{40}");
        assertThat(manifest.path("git").has("dirty")).isTrue();
        assertThat(manifest.path("configurations")).hasSize(configs.size());
        assertThat(manifest.path("repetitions").asInt()).isEqualTo(repetitions);
        assertThat(manifest.path("server").path("max_tokens").asInt()).isPositive();
        assertThat(manifest.path("cpu").path("cores").asInt()).isPositive();
        assertThat(manifest.path("jdk").path("version").asText()).isNotBlank();
        assertThat(manifest.path("workload").path("seed").isNumber()).isTrue();

        String acceptance = Files.readString(dir.resolve(LabOutputs.ACCEPTANCE));
        assertThat(acceptance).contains("# Lab 02 acceptance").contains("Every request is answered 200")
                .contains("Stretch: max_batch=1 behaves like the unbatched baseline");
    }

    @Test
    void everyFileIsWrittenFromASyntheticSweep() throws Exception {
        List<ConfigSummary> sweep = Synthetic.goodSweep();
        SweepResult r = Synthetic.sweep(sweep, Synthetic.settings(sweep, dir));
        List<Acceptance.Check> checks = LabOutputs.writeAll(r, dir);

        assertCompleteOutput(dir, sweep.stream().map(ConfigSummary::config).toList(), 3);
        // no equal-load runs in the synthetic sweep: check 2 is not evaluated; the closed-loop p95 is reported
        assertThat(checks).allMatch(c -> c.verdict() == Acceptance.Verdict.PASS || c.label().equals("2") || c.label().equals("R"));
        assertThat(dir.resolve(LabOutputs.P95_EQUAL_LOAD_PNG)).doesNotExist(); // no equal-load runs here
        List<String> rows = Files.readAllLines(dir.resolve(LabOutputs.SUMMARY_CSV));
        assertThat(rows.get(1)).startsWith("unbatched,unbatched,,,,3,");         // the baseline has no scheduler or max_batch
        assertThat(rows.get(5)).startsWith("b8-w20,batched,static,8,20,3,").contains(",33,"); // median throughput
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(LabOutputs.MANIFEST).toFile());
        assertThat(manifest.path("git").path("commit").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(manifest.path("date").asText()).isEqualTo("2025-01-02");
        assertThat(Files.readString(dir.resolve(LabOutputs.ACCEPTANCE))).contains("**PASS**").doesNotContain("**FAIL**")
                .contains("The sweep took 12.0 min (budget for the full sweep: 15 min, met)");
    }

    /** The names of a JSON object's fields, in order. */
    private static List<String> fields(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The manifest keeps the format of the committed runs in experiments/, which people and scripts read. */
    @Test
    void theManifestHasTheFieldsOfTheCommittedRuns() throws Exception {
        List<ConfigSummary> sweep = new java.util.ArrayList<>(Synthetic.goodSweep());
        sweep.set(0, Synthetic.withEqualLoad(sweep.get(0), 5, 4000));
        SweepResult base = Synthetic.sweep(sweep, Synthetic.settings(sweep, dir));
        List<Manifest.Timing> timings = base.timings().stream().map(t -> new Manifest.Timing(t.config(), t.repetition(),
                t.serverStartS(), t.healthWaitS(), t.warmupS(), t.runWallS(), 20.0, t.totalS())).toList();
        SweepResult r = new SweepResult(base.settings(), base.configs(), base.started(), base.finished(), base.environment(),
                base.git(), Manifest.Model.of(Path.of("weights")), base.workload(), timings);
        LabOutputs.writeAll(r, dir);
        JsonNode m = new ObjectMapper().readTree(dir.resolve(LabOutputs.MANIFEST).toFile());

        assertThat(fields(m)).containsExactly("lab", "date", "started", "finished", "duration_s", "quick", "time_budget_s", "git",
                "jdk", "os", "cpu", "memory_bytes", "load_average_at_start", "lab_jvm_args", "load_average_at_end", "model",
                "workload", "load", "server", "repetitions", "configurations", "timings", "outputs");
        assertThat(fields(m.path("git"))).containsExactly("commit", "dirty", "dirty_paths");
        assertThat(fields(m.path("jdk"))).containsExactly("version", "runtime", "vendor", "vm", "home");
        assertThat(fields(m.path("os"))).containsExactly("name", "version", "arch");
        assertThat(fields(m.path("cpu"))).containsExactly("model", "cores");
        assertThat(fields(m.path("model"))).containsExactly("weights_dir", "config", "files");
        assertThat(m.path("model").path("config").path("n_embd").isInt()).isTrue(); // the model's own config.json, as it is
        assertThat(fields(m.path("model").path("files").get(0))).containsExactly("name", "bytes", "sha256");
        assertThat(fields(m.path("workload"))).containsExactly("file", "sha256", "sentences", "max_words", "skipped_longer",
                "skipped_too_long_for_model", "seed", "tokens_per_sentence", "draw");
        assertThat(fields(m.path("workload").path("tokens_per_sentence"))).containsExactly("sentences", "mean", "p50", "p90",
                "p95", "p99", "max", "share_whose_same_length_correction_fits_max_tokens");
        assertThat(fields(m.path("load"))).containsExactly("loop", "concurrency", "total_per_run", "warmup_per_server",
                "request_timeout_ms", "client", "equal_load");
        assertThat(fields(m.path("load").path("equal_load"))).containsExactly("loop", "fraction_of_baseline_throughput",
                "duration_s", "rate_rps");
        assertThat(m.path("load").path("equal_load").path("rate_rps").asDouble()).isEqualTo(5.0);
        assertThat(fields(m.path("server"))).containsExactly("max_tokens", "stop_rule", "threads", "model_threads_batched",
                "jvm_flags", "one_fresh_process_per_repetition", "order");
        assertThat(m.path("server").path("stop_rule").asText()).isEqualTo("fixed");
        assertThat(fields(m.path("configurations").get(0))).containsExactly("label", "mode", "max_batch", "max_wait_ms");
        assertThat(m.path("configurations").get(0).path("mode").asText()).isEqualTo("unbatched");
        assertThat(m.path("configurations").get(0).path("max_batch").isNull()).isTrue();
        assertThat(fields(m.path("timings").get(0))).containsExactly("config", "repetition", "server_start_s", "health_wait_s",
                "warmup_s", "run_wall_s", "equal_load_wall_s", "total_s");
        // a server process without an equal-load run has no such timing, and an unreadable git state no paths
        Manifest.Timing plain = new Manifest.Timing("b1-w0", 1, 1, 1, 1, 1, null, 4);
        Manifest.Git unknown = new Manifest.Git("unknown", null, null);
        SweepResult bare = new SweepResult(r.settings(), r.configs(), r.started(), r.finished(), r.environment(), unknown,
                r.model(), r.workload(), List.of(plain));
        Path other = dir.resolve("bare");
        LabOutputs.writeAll(bare, other);
        JsonNode b = new ObjectMapper().readTree(other.resolve(LabOutputs.MANIFEST).toFile());
        assertThat(fields(b.path("timings").get(0))).doesNotContain("equal_load_wall_s");
        assertThat(fields(b.path("git"))).containsExactly("commit", "dirty");
    }

    @Test
    void aServerWithoutBatchMetricsStillGetsEveryFile() throws Exception {
        List<ConfigSummary> sweep = List.of(
                Synthetic.config(ServerConfig.baseline(), 10, 5000, Double.NaN),
                Synthetic.config(ServerConfig.batched(8, 20), 30, 8000, Double.NaN));
        SweepResult r = Synthetic.sweep(sweep, Synthetic.settings(sweep, dir));
        LabOutputs.writeAll(r, dir);
        assertCompleteOutput(dir, sweep.stream().map(ConfigSummary::config).toList(), 3);
        String row = Files.readAllLines(dir.resolve(LabOutputs.SUMMARY_CSV)).get(2);
        int col = CsvReports.SUMMARY_COLUMNS.indexOf("mean_batch_size");
        assertThat(row.split(",", -1)[col]).isEmpty(); // unknown, not zero
    }

    @Test
    void aBusyMachineIsFlaggedInTheAcceptanceReport() throws Exception {
        List<ConfigSummary> sweep = Synthetic.goodSweep();
        SweepResult base = Synthetic.sweep(sweep, Synthetic.settings(sweep, dir));
        for (double load : new double[]{5.0, 0.2}) {
            Manifest.Environment here = base.environment();
            Manifest.Environment env = new Manifest.Environment(here.jdk(), here.os(), new Manifest.Cpu("test", 2),
                    here.memoryBytes(), List.of(load, 1.0, 1.0), here.labJvmArgs());
            SweepResult r = new SweepResult(base.settings(), base.configs(), base.started(), base.finished(), env,
                    base.git(), base.model(), base.workload(), base.timings());
            Path out = dir.resolve("load-" + load);
            LabOutputs.writeAll(r, out);
            String md = Files.readString(out.resolve(LabOutputs.ACCEPTANCE));
            if (load > 1) assertThat(md).contains("**The machine was busy**: its load average was 5.00 on 2 cores");
            else assertThat(md).doesNotContain("machine was busy");
            JsonNode manifest = new ObjectMapper().readTree(out.resolve(LabOutputs.MANIFEST).toFile());
            assertThat(manifest.path("load_average_at_start").get(0).asDouble()).isEqualTo(load);
        }
    }

    @Test
    void theCdfComparesTheBaselineWithMaxBatchEight() {
        List<ConfigSummary> pair = LabOutputs.cdfPair(Synthetic.goodSweep());
        assertThat(pair).extracting(ConfigSummary::config)
                .containsExactly(ServerConfig.baseline(), ServerConfig.batched(8, 20));
    }

    @Test
    void numbersAreWrittenPlainly() {
        assertThat(CsvReports.num(33.0)).isEqualTo("33");
        assertThat(CsvReports.num(0.12345678)).isEqualTo("0.1235");
        assertThat(CsvReports.num(2.5)).isEqualTo("2.5");
        assertThat(CsvReports.num(Double.NaN)).isEmpty();
    }
}
