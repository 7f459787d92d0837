package miniserve.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The errors Jetty answers itself, before a request reaches the routes: a request line, URL or header it
 * cannot parse, a bad Content-Length or Transfer-Encoding, headers or a request line over its limit, an HTTP
 * version it does not speak. They get the same JSON body as every other error, {@code {"error": code,
 * "detail": sentence}}, instead of Jetty's HTML page; the detail never names a Java class.
 */
final class JettyErrorHandler extends ErrorHandler {

    private final ObjectMapper json;

    JettyErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
        int status = response.getStatus();
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String s ? s : null;
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
            status = e.getCode();
            response.setStatus(status);
            if (reason == null) reason = e.getReason();
        }
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        int headerLimit = request.getConnectionMetaData().getHttpConfiguration().getRequestHeaderSize();
        byte[] body = json.writeValueAsBytes(TutorServer.errorBody(describe(status, reason, headerLimit)));
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** The error for a status Jetty chose, with Jetty's reason where it says more than the status does. */
    static ApiError describe(int status, String reason, int headerLimit) {
        String limit = headerLimit % 1024 == 0 ? headerLimit / 1024 + " KiB" : headerLimit + " bytes";
        return switch (status) {
            case 400 -> new ApiError(400, "bad_request", "the request is not valid HTTP/1.1" + because(status, reason)
                    + "; check its URL (a '%' must start an escape such as %20), its headers and its Content-Length");
            case 404 -> new ApiError(404, "not_found", "there is nothing at this URL; the routes are listed in the README's HTTP API");
            case 413 -> new ApiError(413, "body_too_large", "the body is larger than the server accepts" + because(status, reason));
            case 414 -> new ApiError(414, "uri_too_long", "the request line (method and URL) is longer than the server accepts ("
                    + limit + " with the headers)");
            case 417 -> new ApiError(417, "expectation_failed", "the server accepts no Expect header but 'Expect: 100-continue'");
            case 431 -> new ApiError(431, "headers_too_large", "the request's headers are larger than the server accepts (" + limit + ")");
            case 500 -> TutorServer.internalError();
            case 501 -> new ApiError(501, "not_implemented", "the server does not support this request" + because(status, reason));
            case 505 -> new ApiError(505, "http_version_not_supported", "the server speaks HTTP/1.0 and HTTP/1.1");
            default -> new ApiError(status, HttpStatus.getMessage(status).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"),
                    "the server refused the request" + because(status, reason));
        };
    }

    /** " (Jetty's reason)" when it adds something to the status and is a phrase, not an exception's text. */
    private static String because(int status, String reason) {
        if (reason == null || reason.isBlank() || reason.equalsIgnoreCase(HttpStatus.getMessage(status))
                || reason.contains("Exception") || reason.contains("\n")) return "";
        return " (" + reason + ")";
    }
}
