package miniserve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code POST /correct} requests to a server over HTTP and measures them. It knows nothing
 * of miniserve's internals: any server with the same API can be measured.
 *
 * <p>Every in-flight request is a virtual thread blocked in {@link HttpClient#send}; the client
 * speaks HTTP/1.1 and opens one connection per concurrent request (its pool has no per-host cap),
 * so at the lab's 50 clients neither threads nor connections are the limit: the server is.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Separates the warm-up's draws from the measured ones, so the measured requests do not depend on the warm-up size. */
    private static final long WARMUP_SEED_SALT = 0x5DEECE66DL;
    private static final int DETAIL_CHARS = 200;

    /** Told how far a run has got; called from many threads. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int planned);

        Progress NONE = (d, p) -> {};
    }

    private final ExecutorService clientExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance against a plain HTTP/1.1 server
            .connectTimeout(Duration.ofSeconds(10))
            .executor(clientExecutor)
            .build();
    private final ObjectMapper json = new ObjectMapper();

    /** Runs the warm-up, then the measured phase. */
    public LoadTestResult run(LoadTestSpec spec, Workload workload, Progress progress) throws InterruptedException {
        LoadTestResult.WarmupSummary warm = warmUp(spec, workload);
        List<Workload.Item> items;
        long start, startEpoch;
        RequestRecord[] records;
        if (spec.loop() == LoadTestSpec.Loop.CLOSED) {
            items = workload.draw(spec.seed(), spec.total());
            records = new RequestRecord[items.size()];
            startEpoch = System.currentTimeMillis();
            start = System.nanoTime();
            closedLoop(spec, items, records, start, progress);
        } else {
            long[] offsets = ArrivalSchedule.poisson(spec.seed(), spec.ratePerSecond(), spec.duration());
            items = workload.draw(spec.seed(), offsets.length);
            records = new RequestRecord[items.size()];
            startEpoch = System.currentTimeMillis();
            start = System.nanoTime();
            openLoop(spec, items, offsets, records, start, progress);
        }
        long end = start;
        for (RequestRecord r : records) if (r != null) end = Math.max(end, r.endNanos());
        return new LoadTestResult(spec, workload.describe(), items.size(), Arrays.asList(records),
                start, startEpoch, end, warm);
    }

    /** Sends the warm-up requests in a closed loop at the spec's concurrency and forgets their latencies. */
    public LoadTestResult.WarmupSummary warmUp(LoadTestSpec spec, Workload workload) throws InterruptedException {
        if (spec.warmup() == 0) return LoadTestResult.WarmupSummary.NONE;
        List<Workload.Item> items = workload.draw(spec.seed() ^ WARMUP_SEED_SALT, spec.warmup());
        RequestRecord[] records = new RequestRecord[items.size()];
        long t0 = System.nanoTime();
        closedLoop(spec.withConcurrency(Math.min(spec.concurrency(), spec.warmup())), items, records, t0, Progress.NONE);
        int ok = 0;
        for (RequestRecord r : records) if (r != null && r.ok()) ok++;
        return new LoadTestResult.WarmupSummary(items.size(), ok, (System.nanoTime() - t0) / 1e9);
    }

    private void closedLoop(LoadTestSpec spec, List<Workload.Item> items, RequestRecord[] records, long start,
                            Progress progress) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long deadline = start + spec.maxRunTime().toNanos();
        int workers = Math.min(spec.concurrency(), items.size());
        CountDownLatch allReady = new CountDownLatch(workers);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    allReady.countDown();
                    go.await();
                    while (true) {
                        if (System.nanoTime() - deadline > 0) break; // bounded in time whatever the server does
                        int i = next.getAndIncrement();
                        if (i >= items.size()) break;
                        long t = System.nanoTime();
                        records[i] = send(items.get(i), i, t, t, spec);
                        progress.update(done.incrementAndGet(), items.size());
                    }
                    return null;
                });
            }
            allReady.await();
            go.countDown();
        } // close() waits for every worker
    }

    private void openLoop(LoadTestSpec spec, List<Workload.Item> items, long[] offsets, RequestRecord[] records,
                          long start, Progress progress) throws InterruptedException {
        Semaphore slots = new Semaphore(spec.maxInFlight());
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int k = 0; k < offsets.length; k++) {
                long intended = start + offsets[k];
                sleepUntil(intended);
                // Waiting here for a free slot delays the send but not the intended start: that wait is
                // counted in the request's latency instead of being silently omitted.
                slots.acquire();
                int i = k;
                pool.submit(() -> {
                    try {
                        records[i] = send(items.get(i), i, intended, System.nanoTime(), spec);
                        progress.update(done.incrementAndGet(), items.size());
                    } finally {
                        slots.release();
                    }
                    return null;
                });
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) throw new InterruptedException();
        }
    }

    /** One request; never throws for what the server or the network does. */
    RequestRecord send(Workload.Item item, int index, long intended, long sent, LoadTestSpec spec) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint(spec.target()))
                .timeout(spec.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(item)))
                .build();
        String learner = item.learnerId();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            boolean ok = response.statusCode() == 200;
            return new RequestRecord(index, intended, sent, end, response.statusCode(), RequestRecord.Outcome.RESPONSE,
                    ok ? null : excerpt(response.body()), learner, ok ? editTypes(response.body()) : List.of());
        } catch (HttpConnectTimeoutException e) {
            return new RequestRecord(index, intended, sent, System.nanoTime(), 0, RequestRecord.Outcome.ERROR,
                    "connect timed out", learner, List.of());
        } catch (HttpTimeoutException e) {
            return new RequestRecord(index, intended, sent, System.nanoTime(), 0, RequestRecord.Outcome.TIMEOUT,
                    "no answer within " + spec.requestTimeout().toMillis() + " ms", learner, List.of());
        } catch (IOException e) {
            return new RequestRecord(index, intended, sent, System.nanoTime(), 0, RequestRecord.Outcome.ERROR,
                    excerpt(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())), learner,
                    List.of());
        }
    }

    /** The types of an answer's edits, in order; none if the body is not the API's JSON. */
    private List<String> editTypes(String body) {
        try {
            List<String> types = new ArrayList<>();
            for (JsonNode edit : json.readTree(body).path("edits")) types.add(edit.path("type").asText());
            return types;
        } catch (IOException e) {
            return List.of();
        }
    }

    static URI endpoint(URI target) {
        return target.resolve("/correct");
    }

    private String body(Workload.Item item) {
        ObjectNode node = json.createObjectNode();
        node.put("sentence", item.sentence());
        if (item.learnerId() != null) node.put("learner_id", item.learnerId());
        return node.toString();
    }

    private static String excerpt(String s) {
        if (s == null) return "";
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= DETAIL_CHARS ? one : one.substring(0, DETAIL_CHARS) + "...";
    }

    @Override
    public void close() {
        client.close();
        clientExecutor.close();
    }
}
