package miniserve.lab;

import miniserve.loadtest.LoadTestSpec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as its own process for one configuration of the sweep. It is ready once it has
 * printed {@code listening on http://127.0.0.1:PORT} and answers {@code GET /health} with 200.
 * Closing it sends SIGTERM, waits for the server to drain, then kills it if it has not exited.
 * Every live server is also stopped by a shutdown hook, so Ctrl-C or a failure leaves none behind.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+?)/?\\s*$");
    private static final int TAIL_LINES = 30;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // Ctrl-C or an exit on failure: ask every live server to stop, give them a moment, then kill.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) p.destroy();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (Process p : LIVE) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }, "stop-lab-servers"));
    }

    private final Process process;
    private final URI baseUri;
    private final Path log;
    private final Deque<String> tail;
    private final HttpClient http;

    private ServerProcess(Process process, URI baseUri, Path log, Deque<String> tail) {
        this.process = process;
        this.baseUri = baseUri;
        this.log = log;
        this.tail = tail;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Starts {@code command}, copies its output (stdout and stderr) to {@code log}, and waits up to
     * {@code timeout} for its listening line. On any failure the process is killed before this throws.
     */
    public static ServerProcess start(List<String> command, Path log, Duration timeout) throws InterruptedException {
        try {
            if (log.getParent() != null) Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + log.getParent(), e);
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the server (" + command.get(0) + "): " + e.getMessage(), e);
        }
        LIVE.add(p);
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pumpOutput(p, log, tail, listening), "server-output-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        try {
            URI uri = listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LoadTestSpec.requireLoopback(uri);
            return new ServerProcess(p, uri, log, tail);
        } catch (TimeoutException e) {
            kill(p);
            throw new IllegalStateException("the server printed no 'listening on' line within " + timeout.toSeconds()
                    + " s; last output:\n" + tailText(tail) + "\n(full log: " + log + ")");
        } catch (ExecutionException e) {
            kill(p);
            throw new IllegalStateException(e.getCause().getMessage() + "; last output:\n" + tailText(tail) + "\n(full log: " + log + ")");
        } catch (InterruptedException | RuntimeException e) {
            kill(p);
            throw e;
        }
    }

    private static void pumpOutput(Process p, Path log, Deque<String> tail, CompletableFuture<URI> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) tail.removeFirst();
                }
                if (!listening.isDone()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) listening.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException ignored) {
            // the stream closes when the process dies; what was read is in the log
        } finally {
            if (!listening.isDone()) {
                int code;
                try {
                    code = p.waitFor();
                } catch (InterruptedException e) {
                    code = -1;
                }
                listening.completeExceptionally(new IllegalStateException(
                        "the server exited with status " + code + " before it was listening"));
            }
        }
    }

    private static String tailText(Deque<String> tail) {
        synchronized (tail) {
            return tail.isEmpty() ? "  (no output)" : "  " + String.join("\n  ", tail);
        }
    }

    /** Waits until {@code GET /health} answers 200; fails if the process dies or the time runs out. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive())
                throw new IllegalStateException("the server exited with status " + process.exitValue()
                        + " before it was healthy; last output:\n" + tailText(tail) + "\n(full log: " + log + ")");
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(baseUri.resolve("/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("GET /health did not answer 200 within " + timeout.toSeconds() + " s (last: "
                + last + "); last output:\n" + tailText(tail) + "\n(full log: " + log + ")");
    }

    /** One scrape of {@code GET /metrics}; an empty snapshot if the server has no such route. */
    public MetricsSnapshot metrics() throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(baseUri.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? MetricsSnapshot.parse(r.body()) : MetricsSnapshot.EMPTY;
        } catch (IOException e) {
            throw new IllegalStateException("GET /metrics failed: " + e.getMessage(), e);
        }
    }

    /** The body of {@code GET /trace} (the server's recent forward passes), or null if it has none. */
    public String trace() throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(baseUri.resolve("/trace"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            throw new IllegalStateException("GET /trace failed: " + e.getMessage(), e);
        }
    }

    public URI baseUri() {
        return baseUri;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, a wait for the drain, then SIGKILL if it is still there. Returns the exit status. */
    @Override
    public void close() {
        http.close();
        process.destroy();
        try {
            if (!process.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) kill(process);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(process);
        }
    }

    private static void kill(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
    }
}
