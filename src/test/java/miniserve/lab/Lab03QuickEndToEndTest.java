package miniserve.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./miniserve lab --lab 03 --quick} end to end, narrowed to max_batch 8 to keep the suite short:
 * real {@code serve} processes of the three schedulers running a tiny random checkpoint, real HTTP, the
 * rate sweep, the pass traces and every output file.
 */
@EnabledIf("miniserve.lab.LabQuickEndToEndTest#serveIsAvailable")
class Lab03QuickEndToEndTest {

    @TempDir Path tmp;

    @Test
    void quickLab03WritesEveryFileFromRealServers() throws Exception {
        Path weights = tmp.resolve("tiny");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int made = LabQuickEndToEndTest.run(out, err, "model-info", "--write-random", weights.toString(), "--tokenizer-from", "weights",
                "--n-embd", "32", "--n-layer", "2", "--n-head", "2", "--n-positions", "256");
        assertThat(made).as(err.toString()).isZero();

        Path dir = tmp.resolve("lab03");
        out = new StringWriter();
        err = new StringWriter();
        int exit = LabQuickEndToEndTest.run(out, err, "lab", "--lab", "03", "--quick", "--weights", weights.toString(), "--out", dir.toString(),
                "--configs", "unbatched,8:20,ended:8:20,cont:8", "--total", "60", "--warmup", "10", "--rate-duration", "1");
        assertThat(exit).as(out + "\n" + err).isZero();

        for (String f : Lab03Outputs.FILES) assertThat(dir.resolve(f)).as(f).isRegularFile();
        for (String png : List.of(LabOutputs.THROUGHPUT_PNG, LabOutputs.P95_PNG, Lab03Outputs.P95_LOAD_PNG, Lab03Outputs.STEP_FILL_PNG,
                Lab03Outputs.TIMELINE_PNG))
            assertThat(ImageIO.read(dir.resolve(png).toFile())).as(png).isNotNull();

        List<String> summary = Files.readAllLines(dir.resolve(LabOutputs.SUMMARY_CSV));
        int scheduler = CsvReports.SUMMARY_COLUMNS.indexOf("scheduler"), padding = CsvReports.SUMMARY_COLUMNS.indexOf("tokens_padding"),
                afterEnd = CsvReports.SUMMARY_COLUMNS.indexOf("tokens_after_end"), ok = CsvReports.SUMMARY_COLUMNS.indexOf("ok"),
                requests = CsvReports.SUMMARY_COLUMNS.indexOf("requests");
        assertThat(summary).hasSize(5);
        for (String row : summary.subList(1, summary.size())) {
            String[] cells = row.split(",", -1);
            assertThat(cells[ok]).as(row).isEqualTo(cells[requests]);
            if (cells[scheduler].equals("continuous")) { // the running batch computes no padding and nothing after a row's end
                assertThat(Double.parseDouble(cells[padding])).as(row).isZero();
                assertThat(Double.parseDouble(cells[afterEnd])).as(row).isZero();
            }
        }
        List<String> rates = Files.readAllLines(dir.resolve(Lab03Outputs.RATE_CSV));
        assertThat(rates.get(0)).isEqualTo(String.join(",", CsvReports.RATE_COLUMNS));
        assertThat(rates).hasSize(1 + 2 * 3); // two rates, three schedulers
        for (String label : List.of("b8-w20", "ended-b8-w20", "cont-b8")) {
            Path trace = dir.resolve("runs").resolve(label + "-r1.trace.json");
            assertThat(trace).isRegularFile();
            JsonNode t = new ObjectMapper().readTree(trace.toFile());
            assertThat(t.path("passes").size()).as(label).isPositive();
            assertThat(t.path("passes").get(0).path("rows").asText()).hasSize(8);
        }
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(LabOutputs.MANIFEST).toFile());
        assertThat(manifest.path("lab").asText()).contains("lab-03");
        assertThat(manifest.path("rate_sweep").path("max_batch").asInt()).isEqualTo(8);
        assertThat(manifest.path("rate_sweep").path("static_throughput_rps").asDouble()).isPositive();
        assertThat(manifest.path("configurations").get(3).path("scheduler").asText()).isEqualTo("continuous");
        String acceptance = Files.readString(dir.resolve(LabOutputs.ACCEPTANCE));
        assertThat(acceptance).startsWith("# Lab 03 acceptance").contains("Continuous batching answers at least 1.30x")
                .contains("## How full the forward passes were");
        assertThat(out.toString()).contains("Every request is answered 200").contains("goodput");
        assertThat(dir.resolve("logs").resolve("cont-b8-r1.log")).content().contains("continuous batching, max batch 8");
    }
}
