package miniserve.lab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import miniserve.serving.MetricNames;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for {@code miniserve serve}, for testing the lab's process handling and bookkeeping
 * without the model: it takes the same command line, prints the same listening line, serves
 * {@code /health}, {@code /metrics} (the same metric names) and {@code /correct}, and batches like the
 * static scheduler, with sleeps in place of the model (time per batch = max_tokens x (2 ms + 0.3 ms x
 * batch size)). The weights directory steers it: it writes its pid to {@code pids/}, exits at once if
 * the file {@code EXIT} is there, and never listens if {@code HANG} is.
 */
public final class ContractStandInServer {

    private static final double MS_PER_STEP = 2.0, MS_PER_ROW_STEP = 0.3;

    private record Pending(CompletableFuture<Void> done) {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) a.put(argv[i], argv[i + 1]);
        if (!"serve".equals(argv[0])) throw new IllegalArgumentException("expected 'serve'");
        Path weights = Path.of(a.get("--weights"));
        Files.createDirectories(weights.resolve("pids"));
        Files.writeString(weights.resolve("pids").resolve(Long.toString(ProcessHandle.current().pid())), "");
        if (Files.exists(weights.resolve("EXIT"))) {
            System.out.println("stand-in: failing at start as asked");
            System.exit(2);
        }
        if (Files.exists(weights.resolve("HANG"))) {
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            return;
        }
        boolean batched = a.get("--mode").equals("batched");
        int maxBatch = batched ? Integer.parseInt(a.get("--max-batch")) : 1;
        int maxWaitMs = batched ? Integer.parseInt(a.get("--max-wait-ms")) : 0;
        int maxTokens = Integer.parseInt(a.get("--max-tokens"));
        int threads = Integer.parseInt(a.get("--threads"));

        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram batchSize = Histogram.builder().name(MetricNames.BATCH_SIZE).help("requests per batch")
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64).classicOnly().register(registry);
        Counter computed = Counter.builder().name(MetricNames.TOKENS_COMPUTED).help("tokens computed").register(registry);
        Counter useful = Counter.builder().name(MetricNames.TOKENS_USEFUL).help("tokens useful").register(registry);
        Counter afterEnd = Counter.builder().name(MetricNames.TOKENS_AFTER_END).help("after end").register(registry);
        Counter.builder().name(MetricNames.TOKENS_PADDING).help("padding").register(registry);
        Counter requests = Counter.builder().name(MetricNames.REQUESTS).help("requests").labelNames(MetricNames.STATUS).register(registry);

        LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        Semaphore workers = new Semaphore(threads);
        GaugeWithCallback.builder().name(MetricNames.REQUESTS_WAITING).help("waiting requests")
                .callback(cb -> cb.call(batched ? queue.size() : workers.getQueueLength())).register(registry);
        if (batched) {
            Thread model = new Thread(() -> {
                try {
                    while (true) {
                        List<Pending> batch = new ArrayList<>();
                        batch.add(queue.take());
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
                        while (batch.size() < maxBatch) {
                            Pending p = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                            if (p == null) break;
                            batch.add(p);
                        }
                        int b = batch.size();
                        Thread.sleep((long) (maxTokens * (MS_PER_STEP + MS_PER_ROW_STEP * b)));
                        batchSize.observe(b);
                        computed.inc((double) b * maxTokens);
                        useful.inc(b * maxTokens / 2.0);
                        afterEnd.inc(b * maxTokens / 2.0);
                        for (Pending p : batch) p.done().complete(null);
                    }
                } catch (InterruptedException e) {
                    // stopping
                }
            }, "stand-in-model");
            model.setDaemon(true);
            model.start();
        }

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(a.get("--port"))), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", ex -> reply(ex, 200, "{\"status\":\"ok\"}", "application/json"));
        server.createContext("/metrics", ex -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
            reply(ex, 200, out.toString(StandardCharsets.UTF_8), PrometheusTextFormatWriter.CONTENT_TYPE);
        });
        server.createContext("/correct", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                if (batched) {
                    Pending p = new Pending(new CompletableFuture<>());
                    queue.add(p);
                    p.done().join();
                } else {
                    workers.acquire();
                    try {
                        Thread.sleep((long) (maxTokens * (MS_PER_STEP + MS_PER_ROW_STEP)));
                        batchSize.observe(1);
                        computed.inc(maxTokens);
                        useful.inc(maxTokens / 2.0);
                        afterEnd.inc(maxTokens / 2.0);
                    } finally {
                        workers.release();
                    }
                }
                requests.labelValues("200").inc();
                reply(ex, 200, "{\"corrected\":\"stand-in\"}", "application/json");
            } catch (InterruptedException e) {
                reply(ex, 500, "{\"error\":\"interrupted\"}", "application/json");
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.println("stand-in server for " + a.get("--mode") + " mode");
        System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void reply(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
