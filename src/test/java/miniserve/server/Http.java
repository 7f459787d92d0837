package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

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
}
