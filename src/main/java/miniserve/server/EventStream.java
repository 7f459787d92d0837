package miniserve.server;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response of server-sent events ({@code text/event-stream}): each event is written and flushed at
 * once, so that the client sees it before the next one is ready. A write to a client that went away
 * throws {@link IOException}.
 */
final class EventStream {

    private final OutputStream out;

    private EventStream(OutputStream out) {
        this.out = out;
    }

    /** Sends the status line and headers now (200, no length: the body ends with the connection's chunked end). */
    static EventStream open(HttpServletResponse res) throws IOException {
        res.setStatus(200);
        res.setContentType("text/event-stream;charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no"); // nginx in front (deploy/nginx.conf) passes each event on at once
        EventStream events = new EventStream(res.getOutputStream());
        res.flushBuffer();
        return events;
    }

    /** One event: {@code event: name}, then {@code data:} with one line of JSON, then a blank line. */
    void send(String name, byte[] jsonLine) throws IOException {
        for (byte b : jsonLine)
            if (b == '\n' || b == '\r') throw new IllegalArgumentException("an event's data must be one line");
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(jsonLine);
        out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
