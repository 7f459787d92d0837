package miniserve.server;

/**
 * A request the server answers with an error: an HTTP status, a short machine-readable code
 * ({@code "error"} in the JSON body) and a sentence for a person ({@code "detail"}).
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String error;

    public ApiError(int status, String error, String detail) {
        super(detail, null, false, false); // a client's mistake: no stack trace to fill
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }
}
