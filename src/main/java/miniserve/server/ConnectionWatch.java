package miniserve.server;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Notices that a client closed its connection while its request waits for the model, so that the
 * request can be dropped instead of computed for nobody.
 *
 * <p>Jetty 12 reads nothing from an HTTP/1.1 connection while its request is being handled, so a closed
 * connection goes unseen until the answer is written. The watch asks Jetty to tell it when the
 * connection becomes readable. An HTTP/1.1 client waiting for its answer sends nothing, so readable
 * means the end of the stream (the client closed it, or reset it); a client that pipelines its next
 * request instead gets that request's first byte handed back to the connection, which parses it
 * after this answer. {@link #stop} must be called before the answer is written: the connection
 * reads the next request itself then, and aborts itself if it finds a read still pending.
 */
final class ConnectionWatch implements Callback {

    /** A watch that never fires: the request did not come over a plain HTTP/1.1 connection. */
    static final ConnectionWatch NONE = new ConnectionWatch(null, null, () -> {});

    private final EndPoint endPoint;
    private final Connection.UpgradeTo connection;
    private final Runnable onClosed;
    private boolean done; // fired or stopped; guarded by this

    private ConnectionWatch(EndPoint endPoint, Connection.UpgradeTo connection, Runnable onClosed) {
        this.endPoint = endPoint;
        this.connection = connection;
        this.onClosed = onClosed;
        this.done = endPoint == null;
    }

    /** Starts watching the request's connection (its body must have been read); {@code onClosed} runs if the client goes. */
    static ConnectionWatch start(HttpServletRequest request, Runnable onClosed) {
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(request);
        if (base == null || base.getConnectionMetaData() == null) return NONE;
        Connection http = base.getConnectionMetaData().getConnection();
        EndPoint endPoint = http == null ? null : http.getEndPoint();
        // HTTP/1.1's connection takes back the bytes of a pipelined request (Connection.UpgradeTo); HTTP/2's does not
        if (!(endPoint instanceof AbstractEndPoint) || endPoint.getConnection() != http
                || !(http instanceof Connection.UpgradeTo connection)) return NONE;
        ConnectionWatch watch = new ConnectionWatch(endPoint, connection, onClosed);
        return endPoint.tryFillInterested(watch) ? watch : NONE;
    }

    /** The connection became readable. */
    @Override
    public synchronized void succeeded() {
        if (done) return;
        ByteBuffer oneByte = BufferUtil.allocate(1);
        int read;
        try {
            read = endPoint.fill(oneByte);
        } catch (IOException e) {
            read = -1; // reset by the client
        }
        if (read == 0 && endPoint.tryFillInterested(this)) return; // nothing there after all: keep watching
        done = true;
        if (read < 0) onClosed.run();
        else if (read > 0) connection.onUpgradeTo(oneByte); // a pipelined request: its first byte goes back to the connection
    }

    /**
     * Jetty gave up the interest: the connection is closing (the client went), its idle timeout passed
     * (the client is still there: keep watching), or {@link #stop} withdrew it.
     */
    @Override
    public synchronized void failed(Throwable cause) {
        if (done) return;
        if (cause instanceof TimeoutException && endPoint.isOpen() && endPoint.tryFillInterested(this)) return;
        done = true;
        onClosed.run();
    }

    /** Stops watching, before the answer is written. */
    synchronized void stop() {
        if (done) return;
        done = true;
        // withdraws our interest (and only ours: the connection registers its own after the answer)
        ((AbstractEndPoint) endPoint).getFillInterest().onFail(new CancellationException("the answer is ready"));
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // it reads at most one byte, never blocks
    }
}
