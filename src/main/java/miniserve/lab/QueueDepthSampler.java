package miniserve.lab;

import miniserve.serving.MetricNames;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the server's gauge of waiting requests ({@link MetricNames#REQUESTS_WAITING}) at a fixed interval during a run and keeps
 * the highest value. With 50 clients the queue should reach about 50 minus the requests in the
 * running batch; a much lower peak means something before the scheduler (the HTTP layer, the client's
 * connections) limits the concurrency that reaches it.
 */
final class QueueDepthSampler implements AutoCloseable {

    private final AtomicReference<Double> peak = new AtomicReference<>(Double.NaN);
    private final Thread thread;

    QueueDepthSampler(ServerProcess server, Duration interval) {
        thread = Thread.ofVirtual().name("queue-depth-sampler").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    double depth = server.metrics().sum(MetricNames.REQUESTS_WAITING);
                    if (!Double.isNaN(depth)) peak.accumulateAndGet(depth, (a, b) -> Double.isNaN(a) ? b : Math.max(a, b));
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a failed scrape loses one sample; the run itself reports what went wrong
                }
            }
        });
    }

    /** The highest queue depth seen, or NaN if the server exposes none. */
    double peak() {
        return peak.get();
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
