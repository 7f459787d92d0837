package miniserve.history;

import miniserve.history.HistoryDatabase.ErrorCount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only thread that touches the {@link HistoryDatabase}: request threads hand it their
 * answers' errors through a bounded queue, and it writes whatever has queued up in one
 * transaction, so that a burst of answers costs one commit rather than one each. Nothing here
 * runs on a model thread.
 *
 * <p>A request's future completes once its errors are committed, with the learner's most
 * frequent types read in the same transaction; it fails at once when the queue is full or the
 * writer closed, and with the database's error when its transaction fails. If a batch fails, its
 * operations are retried one transaction each, so one bad operation fails only itself.
 */
public final class HistoryWriter implements AutoCloseable {

    /** Operations waiting for the writer; more fail at once rather than hold a request. */
    public static final int DEFAULT_MAX_QUEUE = 4096;
    /** Most operations written in one transaction. */
    static final int MAX_BATCH = 256;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(HistoryWriter.class);

    private sealed interface Op permits Record, Retract, Stop {}

    private record Record(String learnerId, String answerId, List<String> errorTypes,
                          CompletableFuture<List<ErrorCount>> done) implements Op {}

    private record Retract(String learnerId, String answerId) implements Op {}

    private record Stop() implements Op {}

    private final HistoryDatabase db;
    private final BlockingQueue<Op> queue;
    private final Thread thread;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Object warnLock = new Object();
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS; // guarded by warnLock
    private boolean closed; // guarded by this

    public HistoryWriter(HistoryDatabase db) {
        this(db, DEFAULT_MAX_QUEUE);
    }

    public HistoryWriter(HistoryDatabase db, int maxQueue) {
        if (maxQueue < 1) throw new IllegalArgumentException("max queue must be >= 1, got " + maxQueue);
        this.db = db;
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        this.thread = Thread.ofPlatform().name("history-writer").daemon().start(this::loop);
    }

    public HistoryDatabase database() {
        return db;
    }

    /**
     * Queues one answer's errors (edit types in order; none is fine: the learner's types are still
     * read). The future gives the learner's most frequent types, this answer's included.
     */
    public CompletableFuture<List<ErrorCount>> record(String learnerId, String answerId, List<String> errorTypes) {
        CompletableFuture<List<ErrorCount>> done = new CompletableFuture<>();
        String refused = offer(new Record(learnerId, answerId, List.copyOf(errorTypes), done));
        if (refused != null) {
            failures.incrementAndGet();
            done.completeExceptionally(new IllegalStateException(refused));
        }
        return done;
    }

    /** Queues the removal of an answer's errors (it was recorded, then could not be sent). */
    public void retract(String learnerId, String answerId) {
        String refused = offer(new Retract(learnerId, answerId));
        if (refused != null) {
            failures.incrementAndGet();
            warn("could not retract answer " + answerId + " of learner " + learnerId + ": " + refused);
        }
    }

    /** Operations waiting for the writer. */
    int queued() {
        return queue.size();
    }

    /** Transactions committed so far. */
    public long transactions() {
        return transactions.get();
    }

    /** Operations refused or failed so far. */
    public long failures() {
        return failures.get();
    }

    private synchronized String offer(Op op) {
        if (closed) return "the learner history is closed";
        return queue.offer(op) ? null : "the learner history's queue is full (" + queue.size() + " waiting)";
    }

    private void loop() {
        List<Op> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends the loop, through Stop
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.removeIf(op -> op instanceof Stop);
            if (!batch.isEmpty()) write(batch);
            if (stop) {
                // close() refuses new operations before queueing Stop: whatever is left came before it.
                batch.clear();
                queue.drainTo(batch);
                if (!batch.isEmpty()) write(batch);
                db.close();
                return;
            }
        }
    }

    private void write(List<Op> batch) {
        try {
            List<List<ErrorCount>> results = transaction(batch);
            for (int i = 0; i < batch.size(); i++)
                if (batch.get(i) instanceof Record r) r.done().complete(results.get(i));
        } catch (SQLException | RuntimeException e) {
            db.recover();
            if (batch.size() == 1) {
                fail(batch.getFirst(), e);
                return;
            }
            for (Op op : batch) write(List.of(op));
        }
    }

    private List<List<ErrorCount>> transaction(List<Op> batch) throws SQLException {
        db.begin();
        List<List<ErrorCount>> results = new ArrayList<>(batch.size());
        Set<String> learners = new LinkedHashSet<>();
        for (Op op : batch) {
            switch (op) {
                case Record r -> {
                    results.add(db.record(r.learnerId(), r.answerId(), r.errorTypes()));
                    if (!r.errorTypes().isEmpty()) learners.add(r.learnerId());
                }
                case Retract r -> {
                    db.retract(r.learnerId(), r.answerId());
                    results.add(null);
                }
                case Stop s -> throw new IllegalStateException("Stop is handled by the loop");
            }
        }
        for (String learner : learners) db.prune(learner);
        db.commit();
        transactions.incrementAndGet();
        return results;
    }

    private void fail(Op op, Exception e) {
        failures.incrementAndGet();
        String why = HistoryDatabase.oneLine(e);
        switch (op) {
            case Record r -> {
                r.done().completeExceptionally(e);
                warn("could not record answer " + r.answerId() + " of learner " + r.learnerId() + ": " + why);
            }
            case Retract r -> warn("could not retract answer " + r.answerId() + " of learner " + r.learnerId() + ": " + why);
            case Stop s -> { }
        }
    }

    /** At most one warning per ten seconds: a database that is down fails every request. */
    private void warn(String message) {
        synchronized (warnLock) {
            long now = System.nanoTime();
            if (now - lastWarning < WARN_EVERY_NANOS) return;
            lastWarning = now;
        }
        log.warn("{} ({} history operations failed so far)", message, failures.get());
    }

    /**
     * Refuses new operations, writes every queued one, closes the database and returns once the
     * writer has stopped. Safe to call more than once.
     */
    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
        }
        try {
            if (first) queue.put(new Stop()); // the writer is still draining, so a full queue frees up
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
