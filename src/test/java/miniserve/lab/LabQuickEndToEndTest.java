package miniserve.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import miniserve.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./miniserve lab --quick} end to end: real {@code serve} processes (one JVM per configuration)
 * running a tiny random checkpoint with the project's tokenizer, real HTTP, every output file checked.
 * It runs wherever the {@code serve} subcommand and the tokenizer files are present.
 */
@EnabledIf("serveIsAvailable")
class LabQuickEndToEndTest {

    static boolean serveIsAvailable() {
        return Main.commandLine().getSubcommands().containsKey("serve")
                && Files.isRegularFile(Path.of("weights", "vocab.json")) && Files.isRegularFile(Path.of("weights", "merges.txt"));
    }

    @TempDir Path tmp;

    static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void quickSweepWritesEveryFileFromRealServers() throws Exception {
        Path weights = tmp.resolve("tiny");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int made = run(out, err, "model-info", "--write-random", weights.toString(), "--tokenizer-from", "weights",
                "--n-embd", "32", "--n-layer", "2", "--n-head", "2", "--n-positions", "256");
        assertThat(made).as(err.toString()).isZero();

        Path dir = tmp.resolve("lab");
        out = new StringWriter();
        err = new StringWriter();
        int exit = run(out, err, "lab", "--quick", "--weights", weights.toString(), "--out", dir.toString());
        assertThat(exit).as(out + "\n" + err).isZero();

        List<ServerConfig> configs = ServerConfig.quickSweep();
        // one closed-loop run and one equal-load run each, and one more pair of the baseline and max_batch=1 for the stretch check
        LabOutputsTest.assertCompleteOutput(dir, configs, 1, true, 2);
        List<String> runs = Files.readAllLines(dir.resolve(LabOutputs.RUNS_CSV));
        int ok = CsvReports.RUN_COLUMNS.indexOf("ok"), requests = CsvReports.RUN_COLUMNS.indexOf("requests");
        int batch = CsvReports.RUN_COLUMNS.indexOf("mean_batch_size");
        for (String row : runs.subList(1, runs.size())) {
            String[] cells = row.split(",", -1);
            assertThat(cells[ok]).as(row).isEqualTo(cells[requests]); // every request answered 200
            assertThat(Double.parseDouble(cells[batch])).as(row).isGreaterThanOrEqualTo(1.0); // the server's metrics were read
        }
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(LabOutputs.MANIFEST).toFile());
        assertThat(manifest.path("quick").asBoolean()).isTrue();
        assertThat(manifest.path("model").path("config").path("n_embd").asInt()).isEqualTo(32);
        assertThat(manifest.path("server").path("max_tokens").asInt()).isPositive();
        assertThat(manifest.path("model").path("files").toString()).contains("model.safetensors");
        assertThat(dir.resolve("logs").resolve("b8-w20-r1.log")).content().contains("listening on http://127.0.0.1:");
        assertThat(out.toString()).contains("Every request is answered 200");
    }
}
