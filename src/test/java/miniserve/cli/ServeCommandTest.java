package miniserve.cli;

import miniserve.agent.TinyTutorCheckpoint;
import miniserve.serving.JvmFlags;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Mode;
import miniserve.serving.ServeFlags.ModelThread;
import miniserve.serving.ServeFlags.Scheduler;
import miniserve.serving.ServeFlags.StopRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void missingWeightsAreOneLineAndNothingKeepsRunning() {
        CorrectCommandTest.Run r = CorrectCommandTest.run("serve", "--port", "0", "--weights", tmp.resolve("absent").toString(),
                "--history-db", tmp.resolve("history.db").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not found", "--weights").doesNotContain("Exception");
        assertThat(r.out()).doesNotContain("listening");
    }

    @Test
    void badFlagValuesAreRefused() {
        CorrectCommandTest.Run r = CorrectCommandTest.run("serve", "--mode", "sideways");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("batched or unbatched");
        CorrectCommandTest.Run scheduler = CorrectCommandTest.run("serve", "--scheduler", "dynamic");
        assertThat(scheduler.exit()).isNotZero();
        assertThat(scheduler.err()).contains("static or continuous");
        CorrectCommandTest.Run timeout = CorrectCommandTest.run("serve", "--request-timeout-ms", "-5");
        assertThat(timeout.exit()).isNotZero();
        assertThat(timeout.err()).contains("--request-timeout-ms must be >= 0").doesNotContain("Exception");
        CorrectCommandTest.Run tooMany = CorrectCommandTest.run("serve", "--threads", "2", "--model-threads", "3");
        assertThat(tooMany.exit()).isNotZero();
        assertThat(tooMany.err()).contains("--model-threads must be between 1 and --threads (2), got 3");
        CorrectCommandTest.Run virtualBaseline = CorrectCommandTest.run("serve", "--mode", "unbatched", "--model-thread", "virtual");
        assertThat(virtualBaseline.exit()).isNotZero();
        assertThat(virtualBaseline.err()).contains("the unbatched baseline always computes on platform threads").doesNotContain("Exception");
    }

    @Test
    void aBusyPortIsReportedBeforeTheHistoryOrTheModelIsOpened() throws Exception {
        Path weights = TinyTutorCheckpoint.write(tmp, 5);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (boolean listenWhenReady : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(List.of("serve", "--port", String.valueOf(taken.getLocalPort()),
                        "--weights", weights.toString(), "--history-db", tmp.resolve("h.db").toString()));
                if (listenWhenReady) args.add("--listen-when-ready");
                CorrectCommandTest.Run r = CorrectCommandTest.run(args.toArray(String[]::new));
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err().strip()).isEqualTo("miniserve serve: port " + taken.getLocalPort()
                        + " on 127.0.0.1 is already in use (another server?); stop that one or choose another with --port");
                assertThat(r.out()).doesNotContain("listening");
                assertThat(tmp.resolve("h.db")).doesNotExist();
            }
        }
    }

    @Test
    void theHistoryIsOneDatabaseAndOneThatCannotBeOpenedStopsServeBeforeTheModelLoads() {
        CorrectCommandTest.Run both = CorrectCommandTest.run("serve", "--port", "0", "--history-db", tmp.resolve("h.db").toString(),
                "--history-url", "jdbc:postgresql://127.0.0.1:1/miniserve");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err()).contains("give --history-db or --history-url, not both");
        CorrectCommandTest.Run other = CorrectCommandTest.run("serve", "--port", "0", "--history-url", "jdbc:mysql://localhost/x");
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains("SQLite (jdbc:sqlite:FILE) or PostgreSQL").doesNotContain("Exception").doesNotContain("loading");
        CorrectCommandTest.Run down = CorrectCommandTest.run("serve", "--port", "0", "--history-url",
                "jdbc:postgresql://127.0.0.1:1/miniserve?user=miniserve&password=hunter2");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err().strip()).contains("cannot open the learner history at jdbc:postgresql://127.0.0.1:1/miniserve: ")
                .doesNotContain("loading").doesNotContain("hunter2").doesNotContain("\n");
    }

    /** The real process: SIGTERM while requests are queued; every one of them is answered before it exits. */
    @Test
    void sigtermDrainsTheQueueBeforeTheProcessExits() throws Exception {
        Path weights = TinyTutorCheckpoint.write(tmp, 5);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JvmFlags.ALL);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(new ServeFlags(ServeFlags.DEFAULT_HOST, 0, weights, Mode.BATCHED, Scheduler.STATIC, 2, 0,
                ServeFlags.DEFAULT_PREFILL_TOKENS, ServeFlags.DEFAULT_MAX_QUEUE, 0, 64, StopRule.FIXED, 1, null, ModelThread.PLATFORM,
                tmp.resolve("history.db"), null, false).toArgs());
        Process p = new ProcessBuilder(command)
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("first line of stdout").isNotNull();
            Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/correct")).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sentence\": \"Sentence number " + i + " goes here.\"}")).build();
                answers.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            // Wait until requests are waiting behind a running batch, then SIGTERM.
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < guard && !client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().matches("(?s).*miniserve_num_requests_waiting [1-9][0-9]*\\.0.*"))
                Thread.sleep(2);
            p.destroy(); // SIGTERM
            for (int i = 0; i < answers.size(); i++) {
                HttpResponse<String> a = answers.get(i).get(60, TimeUnit.SECONDS);
                assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                assertThat(a.body()).contains("Sentence number " + i + " goes here.");
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String stderr = Files.readString(tmp.resolve("stderr.txt"));
            assertThat(stderr).contains("draining", "stopped").doesNotContain("before every request was answered");
            assertThat(p.exitValue()).as("a clean drain exits 0; stderr: " + stderr).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
