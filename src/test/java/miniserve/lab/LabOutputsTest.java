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
        assertThat(runs).hasSize(1 + configs.size() * repetitions * (equalLoad ? 2 : 1));
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
        assertThat(checks).allMatch(c -> c.verdict() == Acceptance.Verdict.PASS || c.label().equals("2b"));
        assertThat(dir.resolve(LabOutputs.P95_EQUAL_LOAD_PNG)).doesNotExist(); // no equal-load runs here
        List<String> rows = Files.readAllLines(dir.resolve(LabOutputs.SUMMARY_CSV));
        assertThat(rows.get(1)).startsWith("unbatched,unbatched,,,3,");          // the baseline has no max_batch
        assertThat(rows.get(5)).startsWith("b8-w20,batched,8,20,3,").contains(",33,"); // median throughput
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(LabOutputs.MANIFEST).toFile());
        assertThat(manifest.path("git").path("commit").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(manifest.path("date").asText()).isEqualTo("2025-01-02");
        assertThat(Files.readString(dir.resolve(LabOutputs.ACCEPTANCE))).contains("**PASS**").doesNotContain("**FAIL**")
                .contains("The sweep took 12.0 min (budget for the full sweep: 15 min, met)");
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
            java.util.Map<String, Object> env = new java.util.LinkedHashMap<>(base.environment());
            env.put("cpu", java.util.Map.of("model", "test", "cores", 2));
            env.put("load_average_at_start", List.of(load, 1.0, 1.0));
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
