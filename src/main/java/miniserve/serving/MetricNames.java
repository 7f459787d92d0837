package miniserve.serving;

import java.util.List;

/**
 * The names of the metrics a server exposes on {@code GET /metrics} (Prometheus text): the server
 * registers its metrics under them and the lab reads its scrapes with them. A histogram's samples
 * carry the suffixes {@code _bucket} (label {@code le}), {@code _count} and {@code _sum}. Where vLLM
 * and TGI measure the same thing, the name is theirs after the prefix {@code miniserve_}.
 */
public final class MetricNames {

    private MetricNames() {}

    /** Counter of answered {@code POST /correct} requests, labelled by {@link #STATUS}. */
    public static final String REQUESTS = "miniserve_requests_total";
    /** The label of {@link #REQUESTS}: the HTTP status, e.g. {@code 200}. */
    public static final String STATUS = "status";
    /** Counter of requests whose client closed the connection before the answer (not in {@link #REQUESTS}). */
    public static final String REQUESTS_CANCELLED = "miniserve_requests_cancelled_total";
    /** Counter of requests not answered within the request timeout (answered 503 {@code request_timeout}). */
    public static final String REQUESTS_TIMED_OUT = "miniserve_requests_timed_out_total";
    /** Gauge of the requests waiting for the model. */
    public static final String REQUESTS_WAITING = "miniserve_num_requests_waiting";
    /** Gauge of the requests being computed (in a running batch, or a row of the running batch). */
    public static final String REQUESTS_RUNNING = "miniserve_num_requests_running";
    /** Histogram of the seconds from arrival to the start of the request's computation (its batch, or its row's prefill). */
    public static final String REQUEST_QUEUE_TIME = "miniserve_request_queue_time_seconds";
    /** Histogram of the seconds from arrival to the request's first generated token. */
    public static final String TIME_TO_FIRST_TOKEN = "miniserve_time_to_first_token_seconds";
    /** Histogram of the seconds between two consecutive generated tokens of a request. */
    public static final String INTER_TOKEN_LATENCY = "miniserve_inter_token_latency_seconds";
    /** Histogram of the seconds from arrival to the answer, for requests the model answered. */
    public static final String E2E_LATENCY = "miniserve_e2e_request_latency_seconds";
    /** Histogram of requests per static batch, or of rows computed per pass of a running batch. */
    public static final String BATCH_SIZE = "miniserve_batch_size";
    /** Histogram of the wall seconds of one static batch in the model, or of one pass of a running batch. */
    public static final String BATCH_MODEL_TIME = "miniserve_batch_model_seconds";
    /** Histogram of the token slots computed per forward pass. */
    public static final String ITERATION_TOKENS = "miniserve_iteration_tokens";
    /** Histogram, per forward pass, of the rows that computed something needed over the rows of the batch. */
    public static final String ITERATION_FILL = "miniserve_iteration_fill";
    /** Counter of token positions the model computed (prompt, padding and generated). */
    public static final String TOKENS_COMPUTED = "miniserve_tokens_computed_total";
    /** Counter of token positions computed for left-padding. */
    public static final String TOKENS_PADDING = "miniserve_tokens_padding_total";
    /** Counter of tokens generated for rows that had already ended. */
    public static final String TOKENS_AFTER_END = "miniserve_tokens_after_end_total";
    /** Counter of tokens a response needed (prompt and output up to its end token). */
    public static final String TOKENS_USEFUL = "miniserve_tokens_useful_total";

    /** Every metric a server exposes. */
    public static final List<String> ALL = List.of(REQUESTS, REQUESTS_CANCELLED, REQUESTS_TIMED_OUT, REQUESTS_WAITING,
            REQUESTS_RUNNING, REQUEST_QUEUE_TIME, TIME_TO_FIRST_TOKEN, INTER_TOKEN_LATENCY, E2E_LATENCY, BATCH_SIZE,
            BATCH_MODEL_TIME, ITERATION_TOKENS, ITERATION_FILL, TOKENS_COMPUTED, TOKENS_PADDING, TOKENS_AFTER_END, TOKENS_USEFUL);
}
