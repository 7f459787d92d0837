package miniserve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny real HTTP server for the load generator's tests: {@code POST /correct} answers whatever
 * the behaviour says for the sentence it received (a status, after a delay, or a stall). A 200
 * answer has one {@code VERB_FORM} edit for each "go" or "have" in the sentence.
 */
public final class StandInServer implements AutoCloseable {

    /** What to answer to one sentence. */
    public record Reply(int status, long delayMillis, boolean stalls) {
        public static Reply ok() { return new Reply(200, 0, false); }
        public static Reply status(int s) { return new Reply(s, 0, false); }
        public static Reply after(long ms) { return new Reply(200, ms, false); }
        public static Reply stall() { return new Reply(200, 0, true); }
    }

    @FunctionalInterface
    public interface Behaviour {
        Reply reply(String sentence) throws InterruptedException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final CountDownLatch released = new CountDownLatch(1);
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peakInFlight = new AtomicInteger();
    public final ConcurrentHashMap<String, Integer> learnerIds = new ConcurrentHashMap<>();
    /** Edits sent in 200 answers, by learner. */
    public final ConcurrentHashMap<String, Integer> editsSent = new ConcurrentHashMap<>();

    public StandInServer(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/correct", ex -> handle(ex, behaviour));
        server.start();
    }

    private void handle(HttpExchange ex, Behaviour behaviour) throws IOException {
        received.incrementAndGet();
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        try {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            String sentence = body.path("sentence").asText();
            if (body.hasNonNull("learner_id")) learnerIds.merge(body.get("learner_id").asText(), 1, Integer::sum);
            Reply r = behaviour.reply(sentence);
            if (r.stalls()) released.await(); // until the test closes the server
            if (r.delayMillis() > 0) Thread.sleep(r.delayMillis());
            List<String> edits = Arrays.stream(sentence.split(" ")).filter(w -> w.equals("go") || w.equals("have"))
                    .map(w -> "{\"type\":\"VERB_FORM\"}").toList();
            if (r.status() == 200 && !edits.isEmpty() && body.hasNonNull("learner_id"))
                editsSent.merge(body.get("learner_id").asText(), edits.size(), Integer::sum);
            byte[] out = (r.status() == 200 ? "{\"corrected\":" + JSON.writeValueAsString(sentence) + ",\"edits\":["
                    + String.join(",", edits) + "]}"
                    : "{\"error\":\"stand-in " + r.status() + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(r.status(), out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
