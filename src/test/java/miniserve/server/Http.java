package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A small real-HTTP client for the server tests. */
final class Http {

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        String field(String name) {
            JsonNode n = json().get(name);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Guards against hangs; never a speed goal. */
    static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private final HttpClient client = HttpClient.newBuilder()
            // HTTP/1.1: the default (HTTP/2 upgrade) holds concurrent requests back until the first one answers.
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        return post(path, HttpRequest.BodyPublishers.ofString(body));
    }

    Answer post(String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(HANG_GUARD)
                .header("Content-Type", "application/json").POST(body).build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    Answer get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(HANG_GUARD).GET().build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r);
    }

    Answer correct(String sentence, String learnerId) throws IOException, InterruptedException {
        Map<String, String> body = learnerId == null ? Map.of("sentence", sentence)
                : Map.of("sentence", sentence, "learner_id", learnerId);
        return post("/correct", MAPPER.writeValueAsString(body));
    }

    Answer correct(String sentence) throws IOException, InterruptedException {
        return correct(sentence, null);
    }

    /** {@code POST /correct} with a text. */
    Answer correctText(String text, String learnerId) throws IOException, InterruptedException {
        return post("/correct", textBody(text, learnerId));
    }

    static String textBody(String text, String learnerId) {
        Map<String, String> body = learnerId == null ? Map.of("text", text) : Map.of("text", text, "learner_id", learnerId);
        try {
            return MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One server-sent event. */
    record Event(String name, JsonNode data) {}

    /**
     * The answer of {@code POST /correct/stream}: its status, and, for an event stream, its events as they
     * arrive (read on a virtual thread; {@link #next} waits at most {@link #HANG_GUARD} for each).
     */
    static final class Stream {
        private static final Event END = new Event("(end of stream)", null);
        final HttpResponse<java.util.stream.Stream<String>> raw;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final String errorBody;

        Stream(HttpResponse<java.util.stream.Stream<String>> raw) {
            this.raw = raw;
            if (!raw.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                errorBody = raw.body().collect(Collectors.joining("\n"));
                events.add(END);
                return;
            }
            errorBody = null;
            Thread.ofVirtual().start(() -> {
                String name = null;
                try (java.util.stream.Stream<String> lines = raw.body()) {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.startsWith("event: ")) name = line.substring("event: ".length());
                        else if (line.startsWith("data: ")) events.add(new Event(name, MAPPER.readTree(line.substring("data: ".length()))));
                        else if (!line.isEmpty()) events.add(new Event("(unexpected line) " + line, null));
                    }
                } catch (IOException | RuntimeException e) {
                    events.add(new Event("(read failed) " + e, null));
                } finally {
                    events.add(END);
                }
            });
        }

        int status() {
            return raw.statusCode();
        }

        /** The JSON body of an answer that is not a stream (an error found before streaming). */
        Answer asAnswer() {
            return new Answer(raw.statusCode(), errorBody, null);
        }

        /** The next event, or null at the end of the stream. */
        Event next() throws InterruptedException {
            Event e = events.poll(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) throw new AssertionError("no event within " + HANG_GUARD);
            return e == END ? null : e;
        }

        /** Whether an event (or the end) has arrived and not been taken yet. */
        boolean hasPending() {
            return !events.isEmpty();
        }

        /** Every event up to the end of the stream. */
        List<Event> rest() throws InterruptedException {
            List<Event> out = new ArrayList<>();
            for (Event e = next(); e != null; e = next()) out.add(e);
            return out;
        }
    }

    /** {@code POST /correct/stream}: returns once the status and headers have arrived. */
    Stream stream(String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/correct/stream")).timeout(HANG_GUARD)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return new Stream(client.send(req, HttpResponse.BodyHandlers.ofLines()));
    }
}
