package miniserve.loadtest;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * What one load test does.
 *
 * <ul>
 *   <li>{@link Loop#CLOSED}: {@code concurrency} workers, each sending its next request when the
 *       previous one returns, until {@code total} requests have been sent.</li>
 *   <li>{@link Loop#OPEN}: requests arrive as a Poisson process at {@code ratePerSecond} for
 *       {@code duration}, whatever the server does; at most {@code maxInFlight} at once (a request
 *       that has to wait for a slot still has its latency measured from when it should have started).</li>
 * </ul>
 * Both first send {@code warmup} requests (closed loop, excluded from every figure). No run can go on
 * forever: each request gives up after {@code requestTimeout}, and a closed loop stops sending new
 * requests after {@code maxRunTime}.
 *
 * @param target base URI of the server (loopback only), e.g. {@code http://127.0.0.1:8080}
 */
public record LoadTestSpec(URI target, Loop loop, int concurrency, int total, double ratePerSecond,
                           Duration duration, int maxInFlight, int warmup, Duration requestTimeout,
                           Duration maxRunTime, long seed) {

    public enum Loop { CLOSED, OPEN }

    /** Open-loop arrivals are precomputed; this bounds the memory a mistyped rate can take. */
    public static final int MAX_REQUESTS = 1_000_000;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_RUN_TIME = Duration.ofMinutes(30);

    public LoadTestSpec {
        requireLoopback(target);
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        if (warmup < 0) throw new IllegalArgumentException("warm-up must be >= 0, got " + warmup);
        if (requestTimeout.isNegative() || requestTimeout.isZero())
            throw new IllegalArgumentException("request timeout must be positive");
        if (maxRunTime.isNegative() || maxRunTime.isZero())
            throw new IllegalArgumentException("maximum run time must be positive");
        if (loop == Loop.CLOSED) {
            if (total < 1 || total > MAX_REQUESTS)
                throw new IllegalArgumentException("total must be in 1.." + MAX_REQUESTS + ", got " + total);
        } else {
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond))
                throw new IllegalArgumentException("rate must be a positive number of requests per second, got " + ratePerSecond);
            if (duration.isNegative() || duration.isZero())
                throw new IllegalArgumentException("duration must be positive");
            if (ratePerSecond * duration.toNanos() / 1e9 > MAX_REQUESTS / 2.0)
                throw new IllegalArgumentException("rate x duration asks for about "
                        + Math.round(ratePerSecond * duration.toNanos() / 1e9) + " requests; the limit is " + MAX_REQUESTS / 2);
            if (maxInFlight < 1) throw new IllegalArgumentException("max in flight must be >= 1, got " + maxInFlight);
        }
    }

    /** The lab's loop: {@code concurrency} clients, {@code total} requests. */
    public static LoadTestSpec closedLoop(URI target, int concurrency, int total) {
        return new LoadTestSpec(target, Loop.CLOSED, concurrency, total, 0, Duration.ZERO, 0, 0,
                DEFAULT_TIMEOUT, DEFAULT_MAX_RUN_TIME, 42);
    }

    /** Poisson arrivals at {@code ratePerSecond} for {@code duration}. */
    public static LoadTestSpec openLoop(URI target, double ratePerSecond, Duration duration) {
        return new LoadTestSpec(target, Loop.OPEN, 1, 0, ratePerSecond, duration, 1000, 0,
                DEFAULT_TIMEOUT, DEFAULT_MAX_RUN_TIME, 42);
    }

    public LoadTestSpec withWarmup(int n) {
        return new LoadTestSpec(target, loop, concurrency, total, ratePerSecond, duration, maxInFlight, n, requestTimeout, maxRunTime, seed);
    }

    /** Closed loop: the number of clients; open loop: the clients of the warm-up. */
    public LoadTestSpec withConcurrency(int n) {
        return new LoadTestSpec(target, loop, n, total, ratePerSecond, duration, maxInFlight, warmup, requestTimeout, maxRunTime, seed);
    }

    public LoadTestSpec withMaxInFlight(int n) {
        return new LoadTestSpec(target, loop, concurrency, total, ratePerSecond, duration, n, warmup, requestTimeout, maxRunTime, seed);
    }

    public LoadTestSpec withRequestTimeout(Duration d) {
        return new LoadTestSpec(target, loop, concurrency, total, ratePerSecond, duration, maxInFlight, warmup, d, maxRunTime, seed);
    }

    public LoadTestSpec withMaxRunTime(Duration d) {
        return new LoadTestSpec(target, loop, concurrency, total, ratePerSecond, duration, maxInFlight, warmup, requestTimeout, d, seed);
    }

    public LoadTestSpec withSeed(long s) {
        return new LoadTestSpec(target, loop, concurrency, total, ratePerSecond, duration, maxInFlight, warmup, requestTimeout, maxRunTime, s);
    }

    /**
     * Load is only ever sent to this machine: the host must be a loopback address
     * (127.0.0.0/8, ::1, or a name resolving only to those).
     */
    public static void requireLoopback(URI target) {
        if (target == null) throw new IllegalArgumentException("no target URL");
        if (!"http".equalsIgnoreCase(target.getScheme()))
            throw new IllegalArgumentException("target must be an http:// URL, got " + target);
        String host = target.getHost();
        if (host == null) throw new IllegalArgumentException("target URL has no host: " + target);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve target host " + host);
        }
        for (InetAddress a : addresses)
            if (!a.isLoopbackAddress())
                throw new IllegalArgumentException("target " + host + " is not a loopback address (" + a.getHostAddress()
                        + "); the load generator only targets this machine (127.0.0.1, localhost, [::1])");
    }
}
