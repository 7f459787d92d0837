package miniserve.server;

import com.fasterxml.jackson.databind.JsonNode;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The errors the HTTP layer raises itself, before or outside the routes, sent over raw connections
 * (an HTTP client would refuse to send most of them): each is the documented JSON body
 * {@code {"error": code, "detail": sentence}} with its status, and no body names a Java class.
 */
class HttpLayerErrorsTest {

    /** A Java class name as it appears in a stack trace or an exception's toString(). */
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:java|javax|jakarta|org|io|com|miniserve)\\.[a-z]+\\.|Exception\\b");

    private static TutorServer server;

    @BeforeAll
    static void start() throws Exception {
        ServeFlags flags = Flags.batched(Scheduler.STATIC, 4, 5, 16, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1);
        server = TutorServer.start("127.0.0.1", 0, flags, () -> new FailingReplies(new StandInBackend(1)));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.stop(Duration.ofSeconds(10));
    }

    record Response(int status, List<String> headers, String body) {
        JsonNode json() throws IOException {
            return Http.MAPPER.readTree(body);
        }

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).findFirst().orElse(null);
        }
    }

    /** Sends {@code request} as it is and reads the response to the end of the connection. */
    private static Response raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) Http.HANG_GUARD.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) received.write(buffer, 0, n);
            } catch (SocketException e) {
                // a reset after the answer: the server closed a connection it would not read further
            }
            String text = received.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("a whole response head: " + text).isPositive();
            Iterator<String> head = text.substring(0, end).lines().iterator();
            int status = Integer.parseInt(head.next().split(" ")[1]);
            List<String> headers = new ArrayList<>();
            head.forEachRemaining(headers::add);
            return new Response(status, headers, text.substring(end + 4));
        }
    }

    private static void assertJsonError(Response r, int status, String error) throws IOException {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.size()).as(r.body()).isEqualTo(2);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("detail").asText()).isNotBlank().doesNotContainPattern(JAVA_CLASS);
    }

    @Test
    void malformedRequestsGetTheDocumentedJson() throws IOException {
        assertJsonError(raw("GET /%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"), 400, "bad_request");
        Response badLength = raw("POST /correct HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\nConnection: close\r\n\r\n");
        assertJsonError(badLength, 400, "bad_request");
        assertThat(badLength.json().get("detail").asText()).contains("Content-Length");
        assertJsonError(raw("POST /correct HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}"),
                400, "bad_request");
        assertJsonError(raw("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"), 400, "bad_request"); // no Host
        assertJsonError(raw("POST /correct HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n"),
                400, "unreadable_body");
        assertJsonError(raw("GET /health HTTP/9.9\r\nHost: t\r\nConnection: close\r\n\r\n"), 505, "http_version_not_supported");
        assertJsonError(raw("POST /correct HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
                417, "expectation_failed");
    }

    @Test
    void requestsOverTheSizeLimitsGetTheDocumentedJson() throws IOException {
        Response headers = raw("GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
        assertJsonError(headers, 431, "headers_too_large");
        assertThat(headers.json().get("detail").asText()).contains("8 KiB");
        assertJsonError(raw("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"), 414, "uri_too_long");
    }

    @Test
    void aRouteWithAnotherMethodIs405WithTheMethodsItTakes() throws IOException {
        Response get = raw("GET /correct HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertJsonError(get, 405, "method_not_allowed");
        assertThat(get.header("Allow")).isEqualTo("POST");
        Response put = raw("PUT /health HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertJsonError(put, 405, "method_not_allowed");
        assertThat(put.header("Allow")).isEqualTo("GET");
        assertJsonError(raw("GET /nowhere HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"), 404, "not_found");
    }

    /** An unexpected failure in a handler is logged; the client gets a sentence, not the exception. */
    @Test
    void aFailureInAHandlerIs500WithAPlainSentence() throws IOException {
        String body = "{\"sentence\": \"alpha one\", \"learner_id\": \"crash\"}";
        Response r = raw("POST /correct HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertJsonError(r, 500, "internal_error");
        assertThat(r.body()).doesNotContain(FailingReplies.MESSAGE);
    }

    /** The stand-in model, with a reply that fails for the learner "crash", as a bug in the server would. */
    private record FailingReplies(StandInBackend inner) implements ForwardingBackend {
        static final String MESSAGE = "the history writer broke";

        @Override
        public Reply reply(String learnerId, Object result) {
            if ("crash".equals(learnerId)) throw new IllegalStateException(MESSAGE);
            return inner.reply(learnerId, result);
        }
    }
}
