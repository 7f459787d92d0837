package miniserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import miniserve.loadtest.StandInServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LoadtestCommandTest {

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

    /** The figures of a latency object of summary.json, in order. */
    private static final String[] LATENCY_FIELDS = {"count", "p50", "p90", "p95", "p99", "p999", "max", "mean", "min"};

    /** The names of a JSON object's fields, in order: summary.json's format, which the lab's runs/ files share. */
    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Path workload() throws Exception {
        Path f = tmp.resolve("sentences.txt");
        Files.writeString(f, "She go to school.\nHe have a cats.\nbusy I am agree.\n");
        return f;
    }

    @Test
    void aClosedLoopRunWritesItsSummaryAndHistogramLog() throws Exception {
        try (StandInServer server = new StandInServer(s -> StandInServer.Reply.ok())) {
            Path out = tmp.resolve("out");
            Run r = run("loadtest", "--url", server.uri().toString(), "--concurrency", "4", "--total", "30",
                    "--warmup", "3", "--workload", workload().toString(), "--out", out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("30 answered 200").contains("throughput").contains("p95");
            JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertThat(summary.path("ok").asInt()).isEqualTo(30);
            assertThat(summary.path("status_counts").path("200").asInt()).isEqualTo(30);
            assertThat(summary.path("warmup_requests").asInt()).isEqualTo(3);
            assertThat(summary.path("latency_ms").path("p99").asDouble()).isPositive();
            assertThat(fieldNames(summary)).containsExactly("target", "loop", "concurrency", "total", "warmup_requests",
                    "warmup_ok", "request_timeout_ms", "workload", "seed", "planned", "sent", "not_sent", "responses", "ok",
                    "status_counts", "timeouts", "errors", "first_problem", "wall_time_s", "throughput_rps",
                    "response_rate_rps", "latency_ms");
            assertThat(fieldNames(summary.path("latency_ms"))).containsExactly(LATENCY_FIELDS);
            assertThat(Files.readString(out.resolve("latency.hlog"))).contains("#[StartTime:");
        }
    }

    @Test
    void requestsCsvSaysWhatEachRequestGot() throws Exception {
        try (StandInServer server = new StandInServer(s -> s.startsWith("busy") ? StandInServer.Reply.status(503)
                : StandInServer.Reply.ok())) {
            Path out = tmp.resolve("csv");
            Run r = run("loadtest", "--url", server.uri().toString(), "--concurrency", "3", "--total", "40",
                    "--warmup", "0", "--workload", workload().toString(), "--out", out.toString());
            assertThat(r.exit()).isEqualTo(3);
            List<String> lines = Files.readAllLines(out.resolve("requests.csv"));
            assertThat(lines.getFirst()).isEqualTo("index,learner_id,outcome,status,edit_types,latency_ms,detail");
            assertThat(lines).hasSize(41);
            Map<String, Integer> learners = new HashMap<>(), edits = new HashMap<>();
            int rejected = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",", -1);
                assertThat(c[1]).matches("learner-\\d+");
                assertThat(c[2]).isEqualTo("response");
                learners.merge(c[1], 1, Integer::sum);
                if (c[3].equals("503")) {
                    rejected++;
                    assertThat(c[4]).isEmpty();
                    assertThat(c[6]).contains("stand-in 503");
                } else {
                    assertThat(c[3]).isEqualTo("200");
                    if (!c[4].isEmpty()) edits.merge(c[1], c[4].split(" ").length, Integer::sum);
                }
            }
            assertThat(rejected).isPositive();
            assertThat(learners).isEqualTo(server.learnerIds);
            assertThat(edits).isEqualTo(server.editsSent).isNotEmpty();
        }
    }

    @Test
    void failedRequestsAreReportedAndGiveANonZeroExit() throws Exception {
        try (StandInServer server = new StandInServer(s -> s.startsWith("busy") ? StandInServer.Reply.status(503)
                : StandInServer.Reply.ok())) {
            Run r = run("loadtest", "--url", server.uri().toString(), "--concurrency", "2", "--total", "12",
                    "--warmup", "0", "--workload", workload().toString(), "--out", tmp.resolve("o").toString());
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.out()).contains("503=").contains("first problem  HTTP 503");
        }
    }

    @Test
    void anOpenLoopRunsForItsDuration() throws Exception {
        try (StandInServer server = new StandInServer(s -> StandInServer.Reply.ok())) {
            Path out = tmp.resolve("open");
            Run r = run("loadtest", "--url", server.uri().toString(), "--rate", "100", "--duration", "0.3",
                    "--warmup", "0", "--workload", workload().toString(), "--out", out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertThat(summary.path("loop").asText()).isEqualTo("open");
            assertThat(summary.path("rate_per_s").asDouble()).isEqualTo(100.0);
            assertThat(fieldNames(summary)).containsExactly("target", "loop", "rate_per_s", "duration_s", "max_in_flight",
                    "warmup_requests", "warmup_ok", "request_timeout_ms", "workload", "seed", "planned", "sent", "not_sent",
                    "responses", "ok", "status_counts", "timeouts", "errors", "first_problem", "wall_time_s", "throughput_rps",
                    "response_rate_rps", "latency_ms", "service_time_ms");
            assertThat(fieldNames(summary.path("service_time_ms"))).containsExactly(LATENCY_FIELDS);
        }
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws Exception {
        Run remote = run("loadtest", "--url", "http://10.0.0.1:8080", "--workload", workload().toString());
        assertThat(remote.exit()).isEqualTo(1);
        assertThat(remote.err().strip()).startsWith("miniserve loadtest: ").contains("not a loopback address")
                .doesNotContain("Exception").doesNotContain("\n");

        Run missing = run("loadtest", "--workload", tmp.resolve("nope.txt").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("workload file not found");

        Run rate = run("loadtest", "--rate", "-5", "--workload", workload().toString());
        assertThat(rate.exit()).isEqualTo(1);
        assertThat(rate.err()).contains("rate must be a positive number");
    }

    @Test
    void helpExplainsEveryFlag() {
        Run r = run("loadtest", "--help");
        assertThat(r.exit()).isZero();
        for (String flag : new String[]{"--url", "--concurrency", "--total", "--rate", "--duration", "--max-in-flight",
                "--warmup", "--timeout-ms", "--max-time", "--workload", "--max-words", "--seed", "--out"})
            assertThat(r.out()).contains(flag);
    }
}
