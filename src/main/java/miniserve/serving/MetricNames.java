package miniserve.serving;

import java.util.List;

/**
 * The names of the metrics a server exposes on {@code GET /metrics} (Prometheus text): the server
 * registers its metrics under them and the lab reads its scrapes with them. A histogram's samples
 * carry the suffixes {@code _bucket} (label {@code le}), {@code _count} and {@code _sum}.
 */
public final class MetricNames {

    private MetricNames() {}

    /** Counter of answered {@code POST /correct} requests, labelled by {@link #STATUS}. */
    public static final String REQUESTS = "miniserve_requests_total";
    /** The label of {@link #REQUESTS}: the HTTP status, e.g. {@code 200}. */
    public static final String STATUS = "status";
    /** Histogram of requests per batch run by the model. */
    public static final String BATCH_SIZE = "miniserve_batch_size";
    /** Histogram of the seconds from enqueue to the start of the request's batch. */
    public static final String QUEUE_WAIT = "miniserve_queue_wait_seconds";
    /** Histogram of the wall seconds of one batch in the model. */
    public static final String BATCH_MODEL_TIME = "miniserve_batch_model_seconds";
    /** Counter of token positions the model computed (prompt, padding and generated). */
    public static final String TOKENS_COMPUTED = "miniserve_tokens_computed_total";
    /** Counter of token positions computed for left-padding. */
    public static final String TOKENS_PADDING = "miniserve_tokens_padding_total";
    /** Counter of tokens generated for rows that had already ended. */
    public static final String TOKENS_AFTER_END = "miniserve_tokens_after_end_total";
    /** Counter of tokens a response needed (prompt and output up to its end token). */
    public static final String TOKENS_USEFUL = "miniserve_tokens_useful_total";
    /** Gauge of the requests waiting for a batch to start. */
    public static final String QUEUE_DEPTH = "miniserve_queue_depth";

    /** Every metric a server exposes. */
    public static final List<String> ALL = List.of(REQUESTS, BATCH_SIZE, QUEUE_WAIT, BATCH_MODEL_TIME, TOKENS_COMPUTED,
            TOKENS_PADDING, TOKENS_AFTER_END, TOKENS_USEFUL, QUEUE_DEPTH);
}
